#!/bin/sh
# A browser for tests: opens the URL like a user who approves, following the redirect back to
# the CLI's loopback server. Used as BROWSER=.../fake_browser.sh.
exec curl --silent --show-error --location --max-redirs 2 --output /dev/null "$1"
