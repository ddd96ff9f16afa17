package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// mongoConnectTimeout bounds start-up against an unreachable server: the
// process fails with the host named instead of hanging.
const mongoConnectTimeout = 10 * time.Second

// ParseMongoURI validates a MongoDB URI and returns its hosts.
func ParseMongoURI(uri string) ([]string, error) {
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, err
	}
	return cs.Hosts, nil
}

func (db *DB) openMongo(ctx context.Context, cfg Config) error {
	hosts, err := ParseMongoURI(cfg.MongoURI)
	if err != nil {
		return fmt.Errorf("store: MONGODB_URI: %w", err)
	}
	where := strings.Join(hosts, ",")
	opts := options.Client().ApplyURI(cfg.MongoURI).
		SetServerSelectionTimeout(mongoConnectTimeout).
		SetConnectTimeout(mongoConnectTimeout).
		SetTimeout(30 * time.Second)
	client, err := mongo.Connect(opts)
	if err != nil {
		return fmt.Errorf("store: connect to MongoDB at %s: %w", where, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, mongoConnectTimeout+2*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx, nil); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return fmt.Errorf("store: cannot reach MongoDB at %s: %w", where, err)
	}
	name := cfg.MongoDatabase
	if name == "" {
		name = "marketingminds"
	}
	db.client = client
	db.Mongo = client.Database(name)
	return nil
}
