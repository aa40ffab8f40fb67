# cio-aep-setup: build, run and test the Customer.io to Adobe Experience Platform wizard.
# `make help` lists the targets.

BINARY      := cio-aep-setup
GO          ?= go
# The Fyne command-line tools need a newer Fyne than the app pins, so they live in their own module.
FYNE        := $(GO) tool -modfile=tools/go.mod fyne
# Fyne's headless test driver: no display and no GLFW needed for unit and UI tests.
TEST_TAGS   := ci
# The wizard shows no emoji, and leaving out Fyne's bundled emoji font saves about 4 MB of
# binary and about 17 MB of memory at start (measured with scripts/startup-bench.sh).
BUILD_TAGS  := no_emoji
# Fyne cannot read the C or POSIX locale as a language and logs "Error parsing user locale C",
# which containers set by default; a real locale replaces only those.
ifneq ($(filter C C.% POSIX,$(LANG))$(if $(LANG),,unset),)
export LANG := en_US.UTF-8
endif

BUILD_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev
TEST_PACKAGES  := $(BUILD_PACKAGES) xvfb xauth x11-utils imagemagick dbus dbus-daemon gnome-keyring

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: deps
deps: ## Install the system packages needed to build (Debian or Ubuntu; prints them elsewhere).
	@scripts/install-packages.sh $(BUILD_PACKAGES)

.PHONY: test-deps
test-deps: ## Install the system packages needed by the tests (build packages, Xvfb, D-Bus, gnome-keyring).
	@scripts/install-packages.sh $(TEST_PACKAGES)

.PHONY: build
build: deps ## Build the binary ./cio-aep-setup.
	$(GO) build -tags $(BUILD_TAGS) -o $(BINARY) .

.PHONY: run
run: build ## Install missing packages, build and start the wizard.
	./$(BINARY)

.PHONY: demo
demo: build ## Same as run, with the simulated platform (nothing is created in Adobe).
	./$(BINARY) --demo

.PHONY: test
test: test-deps ## Install test packages, then vet, staticcheck, race tests, keyring test and Xvfb smoke test.
	$(GO) vet -tags $(TEST_TAGS) ./...
	$(GO) tool staticcheck -tags $(TEST_TAGS) ./...
	$(GO) test -race -tags $(TEST_TAGS) -count=1 ./...
	scripts/keyring-test.sh
	$(GO) build -tags $(BUILD_TAGS) -o $(BINARY) .
	scripts/smoke.sh ./$(BINARY) build/smoke

.PHONY: bench
bench: test-deps ## Run the benchmarks and print the figures recorded in docs/BENCHMARKS.md.
	scripts/bench.sh

.PHONY: screenshots
screenshots: ## Render every screen in English and Spanish to docs/screenshots/.
	mkdir -p docs/screenshots
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(GO) test -tags $(TEST_TAGS) -count=1 -run 'TestRenderScreenshots|TestWebhookPanelRendersAsGolden' ./ui/

.PHONY: package
package: deps ## Build a Linux archive (binary, desktop file, icon) with the Fyne tools.
	rm -rf build/package && mkdir -p build/package
	# The release build drops debug symbols and turns off Fyne's thread checks, as
	# `fyne package --release` would when it builds the binary itself.
	$(GO) build -tags $(BUILD_TAGS),migrated_fynedo -ldflags "-s -w" -o build/package/$(BINARY) .
	# fyne package --release raises the Build number in FyneApp.toml, so the tracked file is restored.
	cp FyneApp.toml build/FyneApp.toml.orig
	$(FYNE) package -os linux --release --executable build/package/$(BINARY); \
		status=$$?; mv build/FyneApp.toml.orig FyneApp.toml; exit $$status
	mv ./*.tar.xz build/package/
	scripts/check-package.sh build/package/*.tar.xz $(BINARY)

.PHONY: clean
clean: ## Remove the binary, the archives and the smoke-test captures.
	rm -rf $(BINARY) build ui/testdata/failed
