package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// The keys commands work on the data dir directly, beside a running server
// or without one: SQLite lets both at the file, and the server notices a
// new key on its next request.

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke API keys",
		Long: `API keys authenticate requests to voclens serve (Authorization: Bearer KEY).
Roles, each including the one before: ingest (POST /v1/analyze and
/v1/feedback), analyst (also read everything, confirm and reject tags),
admin (also keys, taxonomy, jobs, models).

While the data dir has never had a key, serve runs in open mode: no key
needed, loopback only. The first key ends open mode for good.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newKeysCreateCmd(), newKeysListCmd(), newKeysRevokeCmd())
	return cmd
}

func newKeysCreateCmd() *cobra.Command {
	var dataDir, role, name string
	cmd := &cobra.Command{
		Use:   "create --role ingest|analyst|admin [--name NAME]",
		Short: "Make a key and print it (the only time it is shown)",
		Example: `  voclens keys create --role ingest --name crm
  KEY=$(voclens keys create --role admin --name ops)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			k, token, err := db.CreateKey(cmd.Context(), role, name)
			if err != nil {
				return err
			}
			// The key alone on stdout, so $(…) captures exactly it; the
			// words for the person on stderr.
			fmt.Fprintln(cmd.OutOrStdout(), token)
			fmt.Fprintf(cmd.ErrOrStderr(), "created key %d (role %s%s). It is shown only this once: store it now.\n",
				k.ID, k.Role, nameSuffix(k.Name))
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "ingest, analyst or admin")
	cmd.Flags().StringVar(&name, "name", "", "who or what the key is for, shown by keys list")
	if err := cmd.MarkFlagRequired("role"); err != nil {
		panic(err) // the flag is defined just above
	}
	dataDirFlag(cmd, &dataDir)
	return cmd
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(", name %q", name)
}

// openExistingStore opens the store in dir without creating one: listing
// or revoking keys in a mistyped --data should say so, not leave an empty
// data dir behind.
func openExistingStore(dir string) (*store.DB, error) {
	if _, err := os.Stat(filepath.Join(dir, "voclens.db")); errors.Is(err, fs.ErrNotExist) {
		return nil, models.Errorf(models.ENOTFOUND, "no voclens data in %s (set --data or VOCLENS_DATA)", dir)
	}
	return openStore(dir)
}

func newKeysListCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List keys (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openExistingStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			keys, err := db.ListKeys(cmd.Context())
			if err != nil {
				return err
			}
			if len(keys) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "no API keys: serve runs in open mode (loopback only)")
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tROLE\tNAME\tCREATED\tLAST USED\tSTATUS")
			for _, k := range keys {
				status := "active"
				if k.Revoked() {
					status = "revoked " + shortTime(k.RevokedAt)
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, orDash(k.Name),
					shortTime(k.CreatedAt), orNever(k.LastUsedAt), status)
			}
			return w.Flush()
		},
	}
	dataDirFlag(cmd, &dataDir)
	return cmd
}

func newKeysRevokeCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a key at once (running servers refuse it from their next request)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return models.Errorf(models.EINVALID, "key id %q: must be a positive integer (see voclens keys list)", args[0])
			}
			db, err := openExistingStore(dataDir)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.RevokeKey(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "revoked key %d\n", id)
			return nil
		},
	}
	dataDirFlag(cmd, &dataDir)
	return cmd
}

// shortTime is UTC to the minute: enough to tell keys apart, and the same
// on every operator's terminal.
func shortTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04Z") }

func orNever(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return shortTime(t)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
