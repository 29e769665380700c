# Sourced by the other scripts: `ensure_venv NAME REQUIREMENTS` makes NAME (.venv, .venv-book) a
# Python environment with REQUIREMENTS and the package (editable) installed.
#
# The environment lives outside the project, and NAME is a symbolic link to it: Quarto walks every
# folder of the project, hidden ones included, each time it reads the project (twice per render),
# and a 34,000-file environment inside it added about 12 s to each walk. Quarto does not follow
# symbolic links. The folder is $READINGLIST_VENVS (default ~/.cache/ml-reading-list), one
# environment per checkout and NAME. An environment already inside the project is kept and used,
# with a note saying how to move it out.
ensure_venv() {
  local name=$1 requirements=$2 home target
  home="${READINGLIST_VENVS:-${XDG_CACHE_HOME:-$HOME/.cache}/ml-reading-list}"
  target="$home/$(basename "$PWD")-$(printf '%s' "$PWD" | sha256sum | cut -c1-12)$name"
  if [ -L "$name" ] && [ ! -e "$name" ]; then
    rm "$name"  # the environment it pointed to was removed
  fi
  if [ ! -e "$name" ]; then
    mkdir -p "$home"
    [ -x "$target/bin/python" ] || python3 -m venv "$target"
    ln -s "$target" "$name"
  elif [ ! -L "$name" ]; then
    echo "note: $name is a folder inside the project, which Quarto walks on every render (about 12 s" \
      "each time); remove it (rm -rf $name) to have it re-created outside the project, linked as $name." >&2
  fi
  "$name/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
  "$name/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
}
