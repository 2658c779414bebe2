# liveid build. `make setup` then `make test` is all a fresh machine needs.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO  ?= go
BIN := bin/liveid

# The CLI cross-built for phones' CPUs: without the peer detectors (no gocv, no pigo), with cgo for
# onnxruntime_go, by Debian's cross compilers.
CROSS_ARM64 := GOOS=linux GOARCH=arm64 CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc
CROSS_ARMV7 := GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=1 CC=arm-linux-gnueabihf-gcc

# apt-get, through sudo unless we are root.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT  := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: help setup deps build fetch test vet test-short test-race test-race-infer test-arm64 cross eval bench-kernels demo load clean distclean bindings test-bindings test-c test-arm aar xcframework sizes fuzz

help:
	@echo "make setup      install missing build packages, build $(BIN), fetch and build the models"
	@echo "make test       go vet, the arm64 kernel tests, -race on the inference layer, make cross, go test -short, the bindings, the C ABI, an arm64 session (a few minutes)"
	@echo "make eval       go test without -short (the full synthetic sets and the compare evaluation), then the full evaluations"
	@echo "make cross      bin/liveid-arm64 and bin/liveid-armv7 (-tags nogocv: no peer detectors), started under qemu"
	@echo "make test-race  go test -race ./internal/..."
	@echo "make test-arm64 imgproc tests (NEON kernels) built for arm64, run under qemu"
	@echo "make bindings   gobind's Java and Objective-C bindings of mobile/ into $(BIND)"
	@echo "make test-bindings  the Java binding run on the host JVM, the Objective-C binding compile-checked, the linked-runtime path"
	@echo "make test-c     the C ABI (bindings/liveid.h) as a shared and a static library, driven by a C program"
	@echo "make aar        out/mobile/liveid.aar: gomobile bind for Android + ONNX Runtime's Android libraries + the models (needs the Android SDK and NDK)"
	@echo "make xcframework  out/mobile/ios/: gomobile bind for iOS + ONNX Runtime's static xcframework + the models (needs macOS with Xcode)"
	@echo "make sizes      stripped sizes per ABI: the Go library, ONNX Runtime, the models"
	@echo "make test-arm   an engine session as arm64 code under qemu against the amd64 run (ARM_FRAMES=6; ARCHS=\"arm64 armv7\")"
	@echo "make bench-kernels  imgproc kernels against OpenCV (gocv)"
	@echo "make fuzz       every native fuzz target for FUZZTIME each (default 20s; FUZZFLAGS=-parallel=1 on a busy machine)"
	@echo "make demo       verify the models, detect faces in the sample photos (overlays in out/demo), short liveness and OCR evaluations, the compare evaluation (out/compare), then a rendered genuine session and a print attack through the engine, sealed and opened (out/session), and one verification through a loopback server"
	@echo "make load       verification-server load and kill -9 runs on loopback (SQLite; PostgreSQL with 2 instances)"
	@echo "make clean      remove bin/ (distclean: also the .cache model cache)"

setup: deps build fetch

# Debian packages, installed only when missing (the CJK fonts: the card generators of ocr/synth and
# ocr/synth/wild; cgo needs gcc and libc6-dev; make cross the arm64 and armhf
# cross compilers and their C libraries, which apt only recommends). node and npm are checked as commands: a
# Node installed from elsewhere must not meet apt's nodejs.
deps:
	@command -v $(GO) >/dev/null || { echo "setup: Go 1.26 is required and not on PATH" >&2; exit 1; }
	@pkgs=""; \
	command -v gcc >/dev/null || pkgs+=" build-essential"; \
	! command -v dpkg >/dev/null || dpkg -s libc6-dev >/dev/null 2>&1 || pkgs+=" libc6-dev"; \
	for f in fonts-noto-cjk fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-uming fonts-arphic-ukai fonts-dejavu-core; do \
		! command -v dpkg >/dev/null || dpkg -s $$f >/dev/null 2>&1 || pkgs+=" $$f"; \
	done; \
	command -v git >/dev/null || pkgs+=" git"; \
	command -v node >/dev/null || pkgs+=" nodejs"; \
	command -v npm >/dev/null || pkgs+=" npm"; \
	command -v qemu-aarch64-static >/dev/null || pkgs+=" qemu-user-static"; \
	command -v aarch64-linux-gnu-gcc >/dev/null || pkgs+=" gcc-aarch64-linux-gnu"; \
	command -v arm-linux-gnueabihf-gcc >/dev/null || pkgs+=" gcc-arm-linux-gnueabihf"; \
	! command -v dpkg >/dev/null || dpkg -s libc6-dev-arm64-cross >/dev/null 2>&1 || pkgs+=" libc6-dev-arm64-cross"; \
	! command -v dpkg >/dev/null || dpkg -s libc6-dev-armhf-cross >/dev/null 2>&1 || pkgs+=" libc6-dev-armhf-cross"; \
	! command -v dpkg >/dev/null || dpkg -s libopencv-dev >/dev/null 2>&1 || pkgs+=" libopencv-dev"; \
	! command -v dpkg >/dev/null || dpkg -s opencv-data >/dev/null 2>&1 || pkgs+=" opencv-data"; \
	command -v javac >/dev/null || pkgs+=" openjdk-17-jdk-headless"; \
	! command -v dpkg >/dev/null || dpkg -s libstdc++6-arm64-cross >/dev/null 2>&1 || pkgs+=" libstdc++6-arm64-cross"; \
	command -v clang >/dev/null || pkgs+=" clang"; \
	! command -v dpkg >/dev/null || dpkg -s libgnustep-base-dev >/dev/null 2>&1 || pkgs+=" libgnustep-base-dev"; \
	! command -v dpkg >/dev/null || dpkg -s postgresql >/dev/null 2>&1 || pkgs+=" postgresql"; \
	if [ -n "$$pkgs" ]; then \
		echo "setup: installing$$pkgs"; \
		$(APT) update; \
		$(APT) install -y --no-install-recommends $$pkgs; \
	fi

build:
	$(GO) build -o $(BIN) ./cmd/liveid

fetch: build
	$(BIN) models fetch

# The quick checks first, the test suite last. -short runs the smoke versions of the long tests; make eval
# runs them in full.
test: vet test-arm64 test-race-infer cross test-short test-bindings test-c test-arm

vet:
	$(GO) vet ./...
	$(GO) vet -tags nogocv ./cmd/liveid

test-short:
	$(GO) test -short ./...
	$(GO) test -short -tags nogocv -run 'TestBenchWithoutPeers|TestVerifyWithoutOpenCV' ./cmd/liveid

test-race:
	$(GO) test -race ./internal/...

test-race-infer:
	$(GO) test -race ./internal/infer/

# Built as phones' CPUs run it, then started under qemu-user with the cross C library.
cross:
	$(CROSS_ARM64) $(GO) build -tags nogocv -o bin/liveid-arm64 ./cmd/liveid
	$(CROSS_ARMV7) $(GO) build -tags nogocv -o bin/liveid-armv7 ./cmd/liveid
	qemu-aarch64-static -L /usr/aarch64-linux-gnu bin/liveid-arm64 models list >/dev/null
	qemu-arm-static -L /usr/arm-linux-gnueabihf bin/liveid-armv7 models list >/dev/null

# The full test suite and the full-size evaluations: what make test leaves out for time.
eval: build
	$(GO) test ./...
	$(BIN) eval ocr
	$(BIN) eval ocr -set synth -peer=false
	$(BIN) eval liveness
	$(BIN) eval session
	$(BIN) eval compare -out out/compare
	@# A whole session at the pixel level: a rendered genuine user and a moved print go through the engine,
	@# and their sealed packages are opened and their decisions re-run as the verifier's server would.
	@# Seed 1 renders a room the screen lights well: an open-loop render cannot answer the light probe's
	@# request to leave a bright one (seed 2's), which the closed-loop eval session covers.
	for k in bona-fide print-attack; do \
		$(BIN) session render -kind $$k -photo 3 -seed 1 -out out/session/$$k && \
		$(BIN) verify out/session/$$k && \
		$(BIN) open -key out/session/$$k/key.pem -challenge out/session/$$k/challenge.json out/session/$$k/package.bin || exit 1; \
	done
	@# One whole verification through a verification server on loopback: init, submit, describe.
	$(GO) build -o bin/liveid-server ./cmd/liveid-server
	$(GO) run ./cmd/liveid-load -server bin/liveid-server -store sqlite -instances 1 -flows 1 -concurrency 1

# Without cgo, as gomobile builds it; run from the package so that its tests find the photos.
test-arm64:
	GOARCH=arm64 CGO_ENABLED=0 $(GO) test -c -o bin/imgproc-arm64.test ./imgproc
	cd imgproc && qemu-aarch64-static $(CURDIR)/bin/imgproc-arm64.test

# gobind skips what it cannot express with a "// skipped" comment; here that fails the build.
BIND := out/_bind
bindings:
	rm -rf $(BIND)
	$(GO) tool gobind -lang=go,java,objc -outdir=$(BIND) -javapkg=io.liveid -prefix=LID github.com/liveid/liveid/mobile
	@! grep -rn '// skipped' $(BIND) || { echo "bindings: gobind cannot bind the declarations above" >&2; exit 1; }

# The Java binding on the host JVM, the Objective-C binding compiled against GNUstep (it cannot link here).
test-bindings: bindings
	GO=$(GO) mobile/hosttest/jvm.sh
	GO=$(GO) mobile/hosttest/objc.sh
	GO=$(GO) mobile/hosttest/linked.sh

test-c:
	GO=$(GO) bindings/test/run.sh

# Under qemu every frame costs seconds: the session is short unless ARM_FRAMES says otherwise.
ARM_FRAMES ?= 6
ARCHS ?= arm64
test-arm:
	for a in $(ARCHS); do GO=$(GO) mobile/hosttest/arm.sh $$a $(ARM_FRAMES); done

# gomobile runs gobind from PATH: the module's pinned one goes into bin/.
MOBILE := out/mobile
GOMOBILE := PATH=$(CURDIR)/bin:$$PATH $(GO) tool gomobile
aar:
	@[ -n "$${ANDROID_NDK_HOME:-}" ] && [ -d "$${ANDROID_NDK_HOME}" ] && [ -d "$${ANDROID_HOME:-}" ] || { \
		echo "aar: gomobile bind -target=android needs the Android SDK (ANDROID_HOME, with a platform) and NDK" \
			"(ANDROID_NDK_HOME); this machine has neither. make bindings and make test-bindings run without them." >&2; \
		exit 1; }
	$(GO) build -o bin/gobind golang.org/x/mobile/cmd/gobind
	mkdir -p $(MOBILE)
	$(GOMOBILE) bind -target=android/arm64,android/arm -androidapi 24 -javapkg=io.liveid -o $(MOBILE)/liveid-go.aar github.com/liveid/liveid/mobile
	$(GO) run ./mobile/internal/packaging aar $(MOBILE)/liveid-go.aar $(MOBILE)/liveid.aar

xcframework:
	@[ "$$(uname -s)" = Darwin ] && xcrun --sdk iphoneos --show-sdk-path >/dev/null 2>&1 || { \
		echo "xcframework: gomobile bind -target=ios needs macOS with Xcode (xcrun, the iOS SDK); this machine has" \
			"neither. make test-bindings compile-checks the Objective-C binding here." >&2; \
		exit 1; }
	$(GO) build -o bin/gobind golang.org/x/mobile/cmd/gobind
	mkdir -p $(MOBILE)
	$(GOMOBILE) bind -target=ios,iossimulator -iosversion 13.0 -prefix=LID -o $(MOBILE)/Liveid.xcframework github.com/liveid/liveid/mobile
	$(GO) run ./mobile/internal/packaging xcframework $(MOBILE)/Liveid.xcframework $(MOBILE)/ios

sizes:
	GO=$(GO) mobile/hosttest/sizes.sh

bench-kernels:
	$(GO) test -run '^$$' -bench . -benchmem ./imgproc/cvcheck

# The parsers of untrusted data, fuzzed one target at a time (go test -fuzz takes one); every go test replays their
# seed corpora in testdata/fuzz/, the crash inputs of issue 16 among them. A finding is written there and fails the run.
FUZZTIME ?= 20s
FUZZFLAGS ?=
FUZZ_TARGETS := imgproc:FuzzCropResize imgproc:FuzzDecode models/tfjs:FuzzReadGraph liveness:FuzzObserve \
	compare:FuzzMatch evidence:FuzzOpen server:FuzzInitRequest
fuzz:
	for t in $(FUZZ_TARGETS); do \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./$${t%%:*} || exit 1; \
	done

# The sample photos come with the face-api package in the model cache.
SAMPLES = $${LIVEID_HOME:-.cache}/pkg/@vladmandic/face-api@1.7.15/demo/sample*.jpg

demo: build
	$(BIN) models verify
	$(BIN) detect -overlay out/demo $(SAMPLES)
	$(BIN) bench -rounds 3 -cards 4
	$(BIN) eval liveness -genuine 20 -attacks 5
	$(BIN) eval ocr -n 20 -peer=false
	$(BIN) eval compare -out out/compare
	@# A whole session at the pixel level: a rendered genuine user and a moved print go through the engine,
	@# and their sealed packages are opened and their decisions re-run as the verifier's server would.
	@# Seed 1 renders a room the screen lights well: an open-loop render cannot answer the light probe's
	@# request to leave a bright one (seed 2's), which the closed-loop eval session covers.
	for k in bona-fide print-attack; do \
		$(BIN) session render -kind $$k -photo 3 -seed 1 -out out/session/$$k && \
		$(BIN) verify out/session/$$k && \
		$(BIN) open -key out/session/$$k/key.pem -challenge out/session/$$k/challenge.json out/session/$$k/package.bin || exit 1; \
	done
	@# One whole verification through a verification server on loopback: init, submit, describe.
	$(GO) build -o bin/liveid-server ./cmd/liveid-server
	$(GO) run ./cmd/liveid-load -server bin/liveid-server -store sqlite -instances 1 -flows 1 -concurrency 1

# Whole verification flows against liveid-server processes on loopback, each run bounded by its flow count and
# timeout; one instance is killed with SIGKILL a third of the way in and restarted.
load:
	$(GO) build -o bin/liveid-server ./cmd/liveid-server
	$(GO) run ./cmd/liveid-load -server bin/liveid-server -store sqlite -instances 1 -flows 300 -concurrency 8 -kill
	$(GO) run ./cmd/liveid-load -server bin/liveid-server -store postgres -instances 2 -flows 300 -concurrency 8 -kill

clean:
	rm -rf bin out

distclean: clean
	rm -rf .cache
