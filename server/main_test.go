package server_test

import (
	"testing"

	"github.com/liveid/liveid/server/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }
