#!/usr/bin/env bash
# Installs mfa-env from this checkout: builds it, links mfa-env and mfa-exec
# into PREFIX/bin, and loads the shell integration from the startup file of
# each shell. Running it again changes nothing; --uninstall undoes it.
# Written for bash 3.2 too (macOS's /bin/bash).
# Started as `sh install.sh`? Re-run under bash (this line is plain sh).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: ./install.sh [options]

Builds mfa-env (npm ci, npm run build), links mfa-env and mfa-exec into
PREFIX/bin, and adds the shell integration (the `mfa` command and the prompt
function) for each shell found on this machine:
  bash   a marked block in ~/.bashrc
  zsh    a marked block in ~/.zshrc
  fish   ~/.config/fish/conf.d/mfa-env.fish
  powershell  a marked block in pwsh's $PROFILE
The block sources dist/shell/mfa-env.SHELL of this checkout (what
`mfa-env init SHELL` prints; no Node process starts with the shell) and puts
PREFIX/bin on PATH in interactive shells where it is missing. The prompt
segment is on; MFA_ENV_PROMPT=0 (set before the block) turns it off.
Every file it edits is named on stderr and backed up first (<file>.mfa-env.bak).

Options:
  --prefix DIR       link into DIR/bin (default: ~/.local)
  --shell LIST       only these shells, comma-separated: bash,zsh,fish,powershell
  --no-rc            do not touch any shell startup file
  --no-build         skip npm ci and npm run build
  --uninstall        remove the links (give the same --prefix), the blocks
                     and the fish file it added
  -h, --help         show this help
EOF
}

say() { printf 'mfa-env install: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}
usage_error() {
    say "$*; see ./install.sh --help"
    exit 2
}

: "${HOME:?HOME is not set}"
repo=$(cd "$(dirname "$0")" && pwd)
prefix=$HOME/.local
shells=''
shells_given=0
do_rc=1
do_build=1
uninstall=0

while (($#)); do
    case $1 in
        --prefix)
            (($# > 1)) || usage_error "--prefix needs a directory"
            prefix=$2
            shift
            ;;
        --prefix=*) prefix=${1#*=} ;;
        --shell)
            (($# > 1)) || usage_error "--shell needs a list such as bash,zsh"
            shells=$2
            shift
            ;;
        --shell=*) shells=${1#*=} ;;
        --no-rc) do_rc=0 ;;
        --no-build) do_build=0 ;;
        --uninstall) uninstall=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) usage_error "unknown option '$1'" ;;
    esac
    shift
done

[[ -n $prefix ]] || usage_error "--prefix needs a directory"
case $prefix in
    /*) ;;
    *) prefix=$PWD/$prefix ;;
esac
prefix=${prefix%/}
bindir=$prefix/bin

if [[ -n $shells ]]; then
    shells_given=1
    shells=${shells//,/ }
    for s in $shells; do
        case $s in
            bash | zsh | fish | powershell) ;;
            *) usage_error "unknown shell '$s' in --shell (bash, zsh, fish, powershell)" ;;
        esac
    done
elif ((uninstall)); then
    # Undo everything, even for a shell that has been removed since.
    shells='bash zsh fish powershell'
else
    for s in bash zsh fish; do
        if command -v "$s" >/dev/null 2>&1; then shells="$shells $s"; fi
    done
    if command -v pwsh >/dev/null 2>&1; then shells="$shells powershell"; fi
fi

start_marker='# >>> mfa-env >>>'
end_marker='# <<< mfa-env <<<'

rc_file() {
    case $1 in
        bash) printf '%s' "$HOME/.bashrc" ;;
        zsh) printf '%s' "${ZDOTDIR:-$HOME}/.zshrc" ;;
        fish) printf '%s' "${XDG_CONFIG_HOME:-$HOME/.config}/fish/conf.d/mfa-env.fish" ;;
        powershell) powershell_profile ;;
    esac
}

# PowerShell's own answer for $PROFILE (CurrentUserCurrentHost) when pwsh is
# here; else where it keeps it on Linux and macOS (for --uninstall after pwsh
# was removed).
powershell_profile() {
    local p=''
    if command -v pwsh >/dev/null 2>&1; then
        # shellcheck disable=SC2016 # $PROFILE is PowerShell's, not ours
        p=$(pwsh -NoLogo -NoProfile -NonInteractive -Command '$PROFILE.CurrentUserCurrentHost' 2>/dev/null | tr -d '\r') || p=''
    fi
    printf '%s' "${p:-${XDG_CONFIG_HOME:-$HOME/.config}/powershell/Microsoft.PowerShell_profile.ps1}"
}

# Quotes $1 for sh, bash and zsh: '...', a quote as '\''.
sh_quote() {
    local q="'\\''"
    printf "'%s'" "${1//\'/$q}"
}
# For fish: '...' with \ and ' escaped by a backslash.
fish_quote() {
    local s=${1//\\/\\\\}
    printf "'%s'" "${s//\'/\\\'}"
}
# For PowerShell: '...' with a quote doubled.
ps_quote() {
    local q="''"
    printf "'%s'" "${1//\'/$q}"
}

# The block for bash and zsh, and the whole file for fish. Opening a terminal
# starts no Node process: the block sources the shell file of this build
# (dist/shell/, the very text `mfa-env init SHELL` prints), as nvm does. It
# also puts $bindir on PATH when it is missing: terminals start interactive
# non-login shells, and on Debian/Ubuntu only ~/.profile (read at login) adds
# ~/.local/bin. Interactive shells only: `ssh host cmd` reads ~/.bashrc too.
# A missing file (checkout moved or removed) leaves the shell starting
# cleanly; `mfa-env doctor` says so.
block_for() {
    local file=$repo/dist/shell/mfa-env.$1
    case $1 in
        bash | zsh)
            cat <<EOF
$start_marker
# Added by mfa-env's install.sh; \`install.sh --uninstall\` removes this block.
if [[ \$- == *i* ]]; then
    case ":\$PATH:" in *:$(sh_quote "$bindir"):*) ;; *) PATH=$(sh_quote "$bindir"):\$PATH ;; esac
    if [[ -r $(sh_quote "$file") ]]; then . $(sh_quote "$file"); fi
fi
$end_marker
EOF
            ;;
        powershell)
            file=$repo/dist/shell/mfa-env.ps1
            cat <<EOF
$start_marker
# Added by mfa-env's install.sh; \`install.sh --uninstall\` removes this block.
if ([Environment]::UserInteractive) {
    if ((\$env:PATH -split [IO.Path]::PathSeparator) -notcontains $(ps_quote "$bindir")) { \$env:PATH = $(ps_quote "$bindir") + [IO.Path]::PathSeparator + \$env:PATH }
    if (Test-Path -PathType Leaf $(ps_quote "$file")) { . $(ps_quote "$file") }
}
$end_marker
EOF
            ;;
        fish)
            cat <<EOF
$start_marker
# Added by mfa-env's install.sh; \`install.sh --uninstall\` deletes this file.
if status is-interactive
    contains -- $(fish_quote "$bindir") \$PATH; or set -gx PATH $(fish_quote "$bindir") \$PATH
    test -r $(fish_quote "$file"); and source $(fish_quote "$file")
end
$end_marker
EOF
            ;;
    esac
}

# Reads file $1 into $content exactly, final newline or not.
read_exact() {
    content=$(
        cat -- "$1"
        printf x
    )
    content=${content%x}
}

# Writes $2 into file $1 in place (keeping a symlinked rc file a symlink).
write_exact() {
    printf '%s' "$2" >"$1"
}

# Backs file $1 up to $1.mfa-env.bak unless a backup is already there: the
# first backup holds the file as it was before mfa-env touched it.
backup_once() {
    local bak=$1.mfa-env.bak
    if [[ -e $1 && ! -e $bak ]]; then
        cp -p -- "$1" "$bak"
        say "backed up $1 to $bak"
    fi
}

# Splits $1 around the marked block into $before (up to and including the
# newline that ends the line before the start marker) and $after (the text
# after the end marker's line). Fails when there is no block.
split_block() {
    local text=$1 rest
    local nl=$'\n'
    if [[ $text == "$start_marker$nl"* ]]; then
        before=''
        rest=${text#"$start_marker$nl"}
    elif [[ $text == *"$nl$start_marker$nl"* ]]; then
        before=${text%%"$nl$start_marker$nl"*}$nl
        rest=${text#*"$nl$start_marker$nl"}
    else
        return 1
    fi
    if [[ $rest == "$end_marker" || $rest == "$end_marker$nl"* ]]; then
        after=${rest#"$end_marker"}
    elif [[ $rest == *"$nl$end_marker" || $rest == *"$nl$end_marker$nl"* ]]; then
        after=${rest#*"$nl$end_marker"}
    else
        die "$file has '$start_marker' but no '$end_marker' after it; fix or remove that block by hand"
    fi
    after=${after#"$nl"}
}

# Adds the block to an rc file, or replaces it where it is. Appending adds
# one newline first (a blank line if the file ended with one), and removal
# takes exactly that newline away again.
install_block() {
    local file=$1 block content='' before after new
    block=$(block_for "$2")$'\n'
    [[ -e $file ]] && read_exact "$file"
    if split_block "$content"; then
        new=$before$block$after
    elif [[ -z $content ]]; then
        new=$block
    else
        new=$content$'\n'$block
    fi
    if [[ -e $file && $new == "$content" ]]; then
        say "$file already loads mfa-env; unchanged"
        return 0
    fi
    mkdir -p -- "$(dirname "$file")"
    backup_once "$file"
    write_exact "$file" "$new"
    say "edited $file: the mfa-env block loads the $2 integration"
}

uninstall_block() {
    local file=$1 content before after new trimmed bak=$1.mfa-env.bak
    [[ -e $file ]] || return 0
    read_exact "$file"
    split_block "$content" || return 0
    trimmed=${before%$'\n'}
    if [[ -z $after ]]; then
        new=$trimmed
    elif [[ -z $trimmed || $trimmed == *$'\n' ]]; then
        new=$trimmed$after
    else
        new=$before$after
    fi
    if [[ -z $new && ! -e $bak ]]; then
        # No backup: the file did not exist before mfa-env created it.
        rm -f -- "$file"
        say "deleted $file (mfa-env had created it)"
        return 0
    fi
    backup_once "$file"
    write_exact "$file" "$new"
    say "edited $file: removed the mfa-env block"
    drop_backup_if_same "$file"
}

# A backup identical to the restored file has done its job.
drop_backup_if_same() {
    local bak=$1.mfa-env.bak
    [[ -e $bak ]] || return 0
    if cmp -s -- "$1" "$bak"; then
        rm -f -- "$bak"
        say "removed $bak: $1 is as it was before"
    else
        say "kept $bak: $1 has changed since it was made"
    fi
}

install_fish_file() {
    local file=$1 new content=''
    new=$(block_for fish)$'\n'
    [[ -e $file ]] && read_exact "$file"
    if [[ -e $file && $content == "$new" ]]; then
        say "$file already loads mfa-env; unchanged"
        return 0
    fi
    mkdir -p -- "$(dirname "$file")"
    # Someone else's file of that name is kept as the backup.
    [[ $content == *"$start_marker"* ]] || backup_once "$file"
    write_exact "$file" "$new"
    say "wrote $file: loads the fish integration"
}

uninstall_fish_file() {
    local file=$1 content bak=$1.mfa-env.bak
    [[ -e $file ]] || return 0
    read_exact "$file"
    if [[ $content != *"$start_marker"* ]]; then
        say "left $file alone: mfa-env did not write it"
        return 0
    fi
    rm -f -- "$file"
    say "deleted $file"
    if [[ -e $bak ]]; then
        mv -- "$bak" "$file"
        say "restored $file from $bak"
    fi
}

link_bins() {
    local name target link
    mkdir -p -- "$bindir"
    for name in mfa-env mfa-exec; do
        # The launcher, not the .js file: it keeps NODE_EXTRA_CA_CERTS from
        # slowing Node's start (see scripts/build.mjs).
        target=$repo/dist/$name
        link=$bindir/$name
        [[ -e $target ]] || say "warning: $target does not exist yet; run npm run build"
        # A launcher names the checkout it was built in (scripts/build.mjs).
        if [[ -e $target ]] && ! grep -qF -- "$repo/dist/$name.js" "$target"; then
            die "$target was built for another checkout; run npm run build here (or ./install.sh without --no-build)"
        fi
        if [[ -L $link ]]; then
            if [[ $(readlink -- "$link") == "$target" ]]; then
                say "$link already links to $target"
                continue
            fi
            say "replacing $link (it linked to $(readlink -- "$link"))"
            rm -f -- "$link"
        elif [[ -e $link ]]; then
            die "$link exists and is not a symlink; move it away or use --prefix"
        fi
        ln -s -- "$target" "$link"
        say "linked $link -> $target"
    done
    case ":$PATH:" in
        *":$bindir:"* | *":$bindir/:"*) ;;
        *)
            if ((do_rc)); then
                say "$bindir is not on this shell's PATH; the blocks below put it there in new shells"
            else
                say "warning: $bindir is not on your PATH; add it, e.g. export PATH=\"$bindir:\$PATH\""
            fi
            ;;
    esac
}

unlink_bins() {
    local name link
    for name in mfa-env mfa-exec; do
        link=$bindir/$name
        # dist/NAME.js: what earlier versions linked.
        if [[ -L $link && ( $(readlink -- "$link") == "$repo/dist/$name" || $(readlink -- "$link") == "$repo/dist/$name.js" ) ]]; then
            rm -f -- "$link"
            say "removed $link"
        elif [[ -e $link || -L $link ]]; then
            say "left $link alone: it does not link into $repo"
        fi
    done
}

build() {
    command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js 20.19 or later first"
    node -e 'const [a, b] = process.versions.node.split(".").map(Number);
             process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
        die "Node.js 20.19 or later is needed (found $(node --version))"
    say "building in $repo (npm ci, npm run build)"
    # npm's own chatter (funding, audit, notices, update advice) only when a step fails.
    local log status=0
    log=$(mktemp "${TMPDIR:-/tmp}/mfa-env-install.XXXXXX")
    (cd "$repo" && npm ci --no-audit --no-fund --no-update-notifier && npm run build --silent --no-update-notifier) >"$log" 2>&1 || status=$?
    if ((status != 0)); then
        cat -- "$log" >&2
        rm -f -- "$log"
        die "the build failed (npm's output above)"
    fi
    rm -f -- "$log"
}

if ((uninstall)); then
    unlink_bins
else
    ((do_build)) && build
    link_bins
fi

if ((do_rc)); then
    for s in $shells; do
        file=$(rc_file "$s")
        case $s:$uninstall in
            fish:0) install_fish_file "$file" ;;
            fish:1) uninstall_fish_file "$file" ;;
            *:0) install_block "$file" "$s" ;;
            *:1) uninstall_block "$file" ;;
        esac
    done
    if ((!uninstall)) && [[ -n ${shells// /} ]]; then
        say "open a new shell (or, in this one, source your shell's file above) to get the mfa command"
    fi
elif ((shells_given)); then
    say "--no-rc: not touching $shells"
fi
