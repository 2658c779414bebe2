package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		err  string // first stderr line
	}{
		{nil, 2, "liveid: missing command"},
		{[]string{"frob"}, 2, `liveid: unknown command "frob"`},
		{[]string{"models"}, 2, "liveid: missing command"},
		{[]string{"models", "frob"}, 2, `liveid: unknown command "models frob"`},
		{[]string{"models", "list", "-x"}, 2, "liveid: models list: flag provided but not defined: -x"},
		{[]string{"models", "list", "extra"}, 2, `liveid: models list: unexpected argument "extra"`},
		{[]string{"help"}, 0, ""},
		{[]string{"models", "fetch", "-h"}, 0, ""},
		{[]string{"models", "list"}, 0, ""},
		{[]string{"compare", "a.jpg"}, 2, "liveid: compare: want IMAGE_A IMAGE_B"},
		{[]string{"compare", "-ref", "card", "a.jpg", "b.jpg"}, 2, `liveid: compare: -ref "card": want photo or id-portrait`},
		{[]string{"compare", "main_test.go", "main.go"}, 1, "liveid: main_test.go: not a readable JPEG or PNG image: imgproc: IMAGE_UNKNOWN_FORMAT: only JPEG and PNG are decoded"},
		{[]string{"compare", ".", "main.go"}, 1, "liveid: .: is a directory, not a JPEG or PNG image"},
		{[]string{"ocr", "."}, 1, "liveid: .: is a directory, not a JPEG or PNG image"},
		{[]string{"eval", "compare", "extra"}, 2, `liveid: eval compare: unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &env{stdout: &stdout, stderr: &stderr})
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if code != tc.code || first != tc.err {
			t.Errorf("liveid %q: exit %d, stderr %q; want %d, %q", tc.args, code, first, tc.code, tc.err)
		}
	}
}

func TestModelsListHeader(t *testing.T) {
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"models", "list"}, &env{stdout: &stdout, stderr: &stdout}); code != 0 {
		t.Fatalf("exit %d: %s", code, stdout.String())
	}
	if !strings.HasPrefix(stdout.String(), "NAME") {
		t.Errorf("no table header: %q", stdout.String())
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("a\nb\r\n\nc\n"); got != "a; b; c" {
		t.Errorf("oneLine = %q", got)
	}
	if got := shape([]int64{-1, 128, 128, 3}); got != "[?,128,128,3]" {
		t.Errorf("shape = %q", got)
	}
}

// TestImageBombsFailClearly: a file whose header claims a huge image is
// refused from its header by every command that decodes, before the
// pixels are allocated (this test would run out of memory otherwise).
func TestImageBombsFailClearly(t *testing.T) {
	dir := t.TempDir()
	bomb := filepath.Join(dir, "bomb.png")
	// The 49-byte PNG of issue 16: an IHDR for 60000×60000 RGBA and a 4-byte IDAT.
	data := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\xea`\x00\x00\xea`\x08\x06\x00\x00\x00\x80\xd2uB\x00\x00\x00\x04IDATx\x9c\x03\x00\x9b\x8c}#")
	if err := os.WriteFile(bomb, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"compare", bomb, bomb}, {"ocr", bomb}} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &env{stdout: &stdout, stderr: &stderr})
		if code != 1 || !strings.Contains(stderr.String(), "IMAGE_TOO_LARGE") {
			t.Errorf("liveid %q: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}
