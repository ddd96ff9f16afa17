package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

func migrateCommand(env envLoader, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "migrate", Short: "Inspect the database schema"}
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Show applied and pending migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env()
			if err != nil {
				return err
			}
			db, err := openStore(cmd.Context(), cfg, zerolog.Nop(), nil, true)
			if err != nil {
				return err
			}
			defer db.Close(cmd.Context())
			st, err := db.Status(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "backend: %s\n", db.Backend)
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PACKAGE\tVERSION\tNAME\tSTATUS")
			newer := false
			for _, m := range st {
				status := "pending"
				switch {
				case m.Unknown:
					status, newer = "applied by a newer binary", true
				case m.Applied:
					status = "applied " + m.AppliedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%s\t%03d\t%s\t%s\n", m.Package, m.Version, m.Name, status)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if newer {
				return fmt.Errorf("this database was written by a newer marketingminds; this binary refuses to serve it")
			}
			return nil
		},
	})
	return cmd
}
