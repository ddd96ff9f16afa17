package main

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// schemas lists every package's part of the database.
func schemas() []store.Schema {
	return []store.Schema{identity.Schema}
}

// openStore opens the configured backend with every schema applied (or, with
// readOnlySchema, as it is).
func openStore(ctx context.Context, cfg config, log zerolog.Logger, reg prometheus.Registerer, readOnlySchema bool) (*store.DB, error) {
	return store.Open(ctx, store.Config{
		DataDir:        cfg.DataDir,
		MongoURI:       cfg.MongoURI,
		MongoDatabase:  cfg.MongoDatabase,
		Logger:         log,
		Registerer:     reg,
		ReadOnlySchema: readOnlySchema,
	}, schemas()...)
}
