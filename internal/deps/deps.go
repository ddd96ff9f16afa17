// Package deps pins the project's dependencies while packages are being written. Removed once every one is imported for real.
package deps

import (
	_ "github.com/FerretDB/FerretDB/ferretdb"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/joho/godotenv"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/robfig/cron/v3"
	_ "github.com/rs/zerolog"
	_ "github.com/spf13/cobra"
	_ "go.mongodb.org/mongo-driver/v2/mongo"
	_ "golang.org/x/oauth2"
	_ "modernc.org/sqlite"
	_ "github.com/getkin/kin-openapi/routers/gorillamux"
	_ "golang.org/x/text/unicode/norm"
)
