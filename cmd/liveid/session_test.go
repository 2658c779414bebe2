package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSessionRenderUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"session", "render", "-kind", "genuine"}, `liveid: session render: -kind "genuine": want one of bona-fide, print-attack, replay-attack, injection-attack, swap-attack, second-face-attack`},
		{[]string{"session", "render", "-photo", "7"}, "liveid: session render: -photo 7: want 1..6"},
		{[]string{"session", "render", "extra"}, `liveid: session render: unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &env{stdout: &stdout, stderr: &stderr})
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if code != 2 || first != tc.err {
			t.Errorf("liveid %q: exit %d, stderr %q; want 2, %q", tc.args, code, first, tc.err)
		}
	}
}
