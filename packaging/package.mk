# Included by the Makefile: the Linux package and its install smoke test.
#   make package        -> dist/dtr-desktop_<version>_<arch>.deb
#   make package-smoke  -> builds it, installs it with dpkg, checks, removes it

# objdump (binutils) is what PyInstaller and the Depends scan read binaries
# with; the validators check the .desktop and AppStream files.
PACKAGE_DEBIAN_PACKAGES := binutils desktop-file-utils appstream xvfb xauth \
	dbus gnome-keyring
PACKAGE_STAMP := $(VENV)/.dtr-package-installed

.PHONY: package package-smoke package-deps

package-deps: deps $(PACKAGE_STAMP)
	@scripts/install-debian-packages $(PACKAGE_DEBIAN_PACKAGES)

$(PACKAGE_STAMP): pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[package]'
	@touch $(PACKAGE_STAMP)

package: package-deps
	packaging/build-deb.sh

package-smoke: package
	packaging/smoke.sh
