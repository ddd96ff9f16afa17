package main

import (
	"fmt"
	"io"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/tools/accounts"
)

// keysCommand is `marketingminds keys`: the token encryption keys.
//
//	keys rotate        new key (key file) or MM_ENCRYPTION_KEY, then re-encrypt every token
//	keys rotate --reseal-only   re-encrypt under the current key, no new key
//
// With MM_ENCRYPTION_KEY set, rotating means: set the new key there, put the
// old one in MM_ENCRYPTION_KEY_PREVIOUS (comma-separated), run this, then
// drop the old one. Without it, a new key is put at the head of
// <data dir>/encryption.key and the older ones kept below it. Restart every
// serve process afterwards so it knows the new key.
func keysCommand(env envLoader, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage the keys that encrypt stored OAuth tokens"}
	var resealOnly bool
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Start sealing with a new key and re-encrypt every stored token with it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env()
			if err != nil {
				return err
			}
			previous := cfg.EncryptionKeyPrevious
			var ring oauth.Keyring
			switch {
			case cfg.EncryptionKey != nil || resealOnly:
				ring, err = oauth.Ring(cfg.DataDir, cfg.EncryptionKey, previous...)
			default:
				ring, err = oauth.RotateKeyFile(cfg.DataDir)
				ring.Previous = append(ring.Previous, previous...)
				if err == nil {
					fmt.Fprintf(stdout, "new key %s written to %s (older keys kept there)\n", ring.Current.ID(), oauth.KeyFilePath(cfg.DataDir))
				}
			}
			if err != nil {
				return err
			}
			vault, err := oauth.NewVault(ring)
			if err != nil {
				return err
			}
			db, err := openStore(cmd.Context(), cfg, zerolog.Nop(), nil, false)
			if err != nil {
				return err
			}
			defer db.Close(cmd.Context())
			n, err := accounts.Reseal(cmd.Context(), db, vault)
			if err != nil {
				return fmt.Errorf("keys rotate: %d records re-encrypted before: %w", n, err)
			}
			fmt.Fprintf(stdout, "%d records re-encrypted under key %s; restart every serve process so it uses it\n", n, vault.KeyID())
			return nil
		},
	}
	rotate.Flags().BoolVar(&resealOnly, "reseal-only", false, "re-encrypt under the current key without making a new one")
	cmd.AddCommand(rotate)
	return cmd
}
