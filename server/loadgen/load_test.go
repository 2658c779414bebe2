package loadgen_test

import (
	"context"
	"testing"
	"time"

	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/loadgen"
	"github.com/liveid/liveid/server/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// A short load run: concurrent whole flows against SQLite (one instance)
// and PostgreSQL (two instances over one database, every package submitted
// to one and described on the other); every flow gets exactly one
// decision, the same on both instances. make load runs the long version
// with server processes and a kill -9.
func TestShortLoad(t *testing.T) {
	for _, c := range []struct {
		kind      string
		instances int
	}{{"sqlite", 1}, {"postgres", 2}} {
		t.Run(c.kind, func(t *testing.T) {
			m := servertest.Models(t)
			st, url := servertest.OpenStore(t, c.kind)
			a := servertest.On(t, st, url, func(cfg *server.Config) { cfg.AppRate, cfg.IPRate = -1, -1 })
			targets := []string{a.URL}
			for range c.instances - 1 {
				ring, _ := server.NewKeyring(a.Key)
				b := servertest.On(t, st, url, func(cfg *server.Config) { cfg.AppRate, cfg.IPRate, cfg.Keys = -1, -1, ring })
				targets = append(targets, b.URL)
			}
			o := loadgen.Options{Targets: targets, KeyID: a.App.KeyID, Secret: a.App.Secret, Body: m.Body,
				Flows: 12, Concurrency: 4, Prefix: "short-" + c.kind}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r := loadgen.Run(ctx, o)
			t.Logf("%s, %d instance(s):\n%s", c.kind, c.instances, r.Summary())
			if r.Failed != 0 || len(r.Decided) != o.Flows {
				t.Fatalf("%d failed, %d decided: %v", r.Failed, len(r.Decided), r.Errors)
			}
			if bad := loadgen.Verify(ctx, o, r.Decided); len(bad) != 0 {
				t.Errorf("decisions lost or changed: %v", bad)
			}
			if n, err := st.Counts(ctx); err != nil || n.Decisions != int64(o.Flows) || n.Done != int64(o.Flows) {
				t.Errorf("counts %+v %v: want %d decisions, one a verification", n, err, o.Flows)
			}
		})
	}
}
