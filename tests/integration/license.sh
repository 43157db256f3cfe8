#!/bin/bash
# SPDX-License-Identifier: ISC
# The licence (issue 21): LICENSE is ISC, and every C source, header and
# script carries an SPDX-License-Identifier line near its top.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$top_srcdir"
expect_eq "$(head -n 1 LICENSE)" 'ISC License' 'LICENSE is the ISC licence'
missing=
while IFS= read -r f; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: ISC' && continue
	missing="$missing $f"
done < <(find src tests fuzz bench contrib man -type f \
    \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.bash' -o -name '*.py' \) \
    ! -path 'tests/data/*' ! -path 'fuzz/corpus/*' ! -path 'fuzz/regress/*' \
    ! -path '*/node_modules/*' |
    sort)
expect_eq "$missing" '' 'every C file and script carries SPDX-License-Identifier: ISC'
# The configuration, the plans and the console's files are the project's
# own text too.
missing=
while IFS= read -r f; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: ISC' && continue
	missing="$missing $f"
done < <(find config console -type f \( -name '*.ini' -o -name '*.ini.in' \
    -o -name '*.html' -o -name '*.js' -o -name '*.css' \) | sort)
expect_eq "$missing" '' 'every configuration, plan and console file carries SPDX-License-Identifier: ISC'
finish
