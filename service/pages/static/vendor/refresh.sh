#!/usr/bin/env bash
# Re-fetches the vendored browser assets from the npm registry at the versions pinned
# below, with their licences, so that the pages need no other host. Run it from the
# repository root after changing a version, then check the pages (tests/pages).
set -euo pipefail
cd "$(dirname "$0")"

# package@version  file-in-the-package...  (copied into ./<package name>/)
PINS=(
  "graphiql@4.1.2 graphiql.min.js graphiql.min.css LICENSE"
  "react@18.3.1 umd/react.production.min.js LICENSE"
  "react-dom@18.3.1 umd/react-dom.production.min.js LICENSE"
  "swagger-ui-dist@5.35.0 swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css favicon-32x32.png LICENSE NOTICE"
  "redoc@2.5.4 bundles/redoc.standalone.js LICENSE"
  "chart.js@4.6.1 dist/chart.umd.min.js LICENSE.md"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pin in "${PINS[@]}"; do
  read -r spec files <<<"$pin"
  name=${spec%@*}
  tarball=$(cd "$work" && npm pack --silent "$spec")
  mkdir -p "$work/$name" && tar xzf "$work/$tarball" -C "$work/$name"
  rm -rf "$name" && mkdir -p "$name"
  for file in $files; do
    # source maps are for the library's own developers: browsers fetch them only with
    # the developer tools open, and they would be missing here
    case "$file" in
      *.js | *.css) sed '/^\/[/*][#@] sourceMappingURL=/d' "$work/$name/package/$file" >"$name/$(basename "$file")" ;;
      *) cp "$work/$name/package/$file" "$name/" ;;
    esac
  done
  echo "$spec" > "$name/VERSION"
done

# ReDoc's sidebar shows a logo fetched from its CDN: never loaded here (the image hides
# itself when it fails to load).
sed -i 's#https://cdn.redoc.ly/redoc/logo-mini.svg#data:,#' redoc/redoc.standalone.js
if grep -q 'cdn\.redoc\.ly' redoc/redoc.standalone.js; then
  echo "redoc.standalone.js still names its CDN: check the patch above" >&2
  exit 1
fi
