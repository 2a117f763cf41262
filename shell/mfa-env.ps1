# mfa-env shell integration for PowerShell (Windows PowerShell 5.1, PowerShell 7+).
# Load it from $PROFILE with:
#   mfa-env init powershell | Out-String | Invoke-Expression
#
# Defines:
#   mfa [ARGS...]          runs mfa-env and applies the session to this session
#   mfa_env_prompt [-Color]
#                          returns "aws:PROFILE 42m" for the session loaded here
# With $env:MFA_ENV_PROMPT = '1' set before loading, the prompt function is
# wrapped to show the segment in front of the existing prompt. Unless
# $env:MFA_ENV_FOLLOW = '0', it is wrapped in any case (its output unchanged)
# so that this session follows a new one minted elsewhere.
# Everything else is private and named __mfa_env_*. Loading twice is harmless.

# >>> generated from src/cli/options.ts by npm run build (scripts/shell-lists.ts): do not edit
# Flags that take a value: the next word is theirs, not a command.
function global:__mfa_env_takes_value([string]$Arg) { $Arg -cin @('-p', '--profile', '-c', '--code', '-d', '--duration', '-s', '--shell', '-f', '--format', '--write-profile', '--access-key-id', '--mfa-serial', '--region', '--credential-process', '--role-arn', '--source-profile', '--external-id') }

# Commands whose output is lines for this session to apply (none: export).
function global:__mfa_env_applies([string]$Sub) { $Sub -cin @('', 'export', 'logout', 'unset') }
# <<< generated

# 'eval' when the arguments ask for export lines (no subcommand, or export,
# logout, unset; shell format; no --help/--version), 'given' when in addition
# --shell powershell is already there, 'pass' otherwise.
function global:__mfa_env_wants_eval([object[]]$Arguments) {
    $sub = ''; $format = 'shell'; $given = $false
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        $arg = [string]$Arguments[$i]
        $next = if ($i + 1 -lt $Arguments.Count) { [string]$Arguments[$i + 1] } else { '' }
        if ($arg -cin '--', '-h', '--help', '-V', '--version') { return 'pass' }
        elseif ($arg -cin '-f', '--format') { $format = $next; $i++ }
        elseif ($arg -clike '--format=*') { $format = $arg.Substring(9) }
        elseif ($arg -clike '-f*') { $format = $arg.Substring(2).TrimStart('=') }
        elseif ($arg -cin '-s', '--shell') {
            if ($next -cne 'powershell') { return 'pass' }
            $given = $true; $i++
        }
        elseif ($arg -clike '--shell=*' -or $arg -clike '-s?*') {
            if (($arg -creplace '^(--shell=|-s=?)', '') -cne 'powershell') { return 'pass' }
            $given = $true
        }
        elseif (__mfa_env_takes_value $arg) { $i++ }
        elseif ($arg.StartsWith('-')) { }
        elseif ($sub -eq '') { $sub = $arg }
    }
    if (-not (__mfa_env_applies $sub) -or $format -cne 'shell') { return 'pass' }
    if ($given) { 'given' } else { 'eval' }
}

function global:mfa {
    # PowerShell reads an unquoted 012345 as the number 12345: give an MFA
    # code back its six digits.
    $mfaArgs = @(for ($i = 0; $i -lt $args.Count; $i++) {
        $a = $args[$i]
        if ($i -gt 0 -and $args[$i - 1] -cin '-c', '--code' -and ($a -is [int] -or $a -is [long])) {
            '{0:D6}' -f $a
        } else { $a }
    })
    $kind = __mfa_env_wants_eval $mfaArgs
    if ($kind -eq 'pass') {
        & mfa-env @mfaArgs
        return
    }
    # Tells mfa-env a person typed mfa: it says which session this shell got.
    $env:MFA_ENV_WRAPPER = '1'
    try {
        if ($kind -eq 'given') {
            $out = & mfa-env @mfaArgs
        } else {
            $out = & mfa-env @mfaArgs --shell powershell
        }
    } finally {
        Remove-Item Env:MFA_ENV_WRAPPER -ErrorAction SilentlyContinue
    }
    $status = $LASTEXITCODE
    # On failure mfa-env prints nothing on stdout; whatever it did print is
    # not applied either.
    if ($status -eq 0 -and $out) {
        Invoke-Expression ($out -join "`n")
    }
    $global:LASTEXITCODE = $status
}

# @(text, level): "aws:dev 42m", "aws:dev 1h05m", "aws:dev <1m" or
# "aws:dev expired"; level ok, warn (under 10 minutes) or expired.
# $null when no session is loaded. In-process clock: no external command.
function global:__mfa_env_prompt_compute {
    $name = $env:MFA_ENV_PROFILE
    $expires = $env:MFA_ENV_EXPIRES
    if (-not $name -or -not $expires -or $expires -notmatch '^[0-9]{1,15}$') { return $null }
    $left = [long]$expires - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    # The same text as in the other shells: no characters a prompt interprets.
    $name = $name -replace '[\p{Cc}%$`\\!]', '?'
    if ($left -le 0) { return @("aws:$name expired", 'expired') }
    if ($left -lt 60) { $text = "aws:$name <1m" }
    elseif ($left -lt 3600) { $text = "aws:$name $([math]::Floor($left / 60))m" }
    else {
        $mins = [math]::Floor($left / 60)
        $text = 'aws:{0} {1}h{2:D2}m' -f $name, [long][math]::Floor($mins / 60), [long]($mins % 60)
    }
    # A role's credentials: the MFA session behind them too, when it differs ("aws:prod 42m mfa 11h05m").
    $mfa = $env:MFA_ENV_MFA_EXPIRES
    if ($mfa -and $mfa -match '^[0-9]{1,15}$' -and $mfa -ne $expires) {
        $mfaLeft = [long]$mfa - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        if ($mfaLeft -le 0) { $text += ' mfa expired' }
        elseif ($mfaLeft -lt 3600) { $text += " mfa $([math]::Floor($mfaLeft / 60))m" }
        else {
            $mfaMins = [math]::Floor($mfaLeft / 60)
            $text += ' mfa {0}h{1:D2}m' -f [long][math]::Floor($mfaMins / 60), [long]($mfaMins % 60)
        }
    }
    if ($left -lt 600) { @($text, 'warn') } else { @($text, 'ok') }
}

# Returns the segment for this session ('' when there is none). -Color adds
# ANSI colour (yellow under 10 minutes, red when expired) when the host
# supports it and NO_COLOR is not set.
function global:mfa_env_prompt {
    param([switch]$Color)
    $r = __mfa_env_prompt_compute
    if (-not $r) { return '' }
    $text, $level = $r
    $useColor = $Color -and -not $env:NO_COLOR -and $env:TERM -ne 'dumb' -and $Host.UI.SupportsVirtualTerminal
    $e = [char]27
    if ($useColor -and $level -eq 'warn') { return "$e[33m$text$e[0m" }
    if ($useColor -and $level -eq 'expired') { return "$e[31m$text$e[0m" }
    $text
}

# Open shells follow a new session, as in the other shells. When this
# session's credentials are within 5 minutes of their end by the in-process
# clock, ask mfa-env, at most once a minute, for the cached session of the
# same profile if it is newer: `mfa-env --follow` never mints, never asks for
# anything, and prints nothing when there is nothing newer. While the session
# is fresh this starts no process. $env:MFA_ENV_FOLLOW = '0' turns it off.
function global:__mfa_env_follow {
    if ($env:MFA_ENV_FOLLOW -eq '0') { return }
    $name = $env:MFA_ENV_PROFILE
    $expires = $env:MFA_ENV_EXPIRES
    if (-not $name -or -not $expires -or $expires -notmatch '^[0-9]{1,15}$') { return }
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ([long]$expires - $now -gt 300) { return }
    $last = Get-Variable -Name __mfa_env_follow_at -Scope Global -ValueOnly -ErrorAction SilentlyContinue
    if ($last -and $now - [long]$last -lt 60) { return }
    $global:__mfa_env_follow_at = $now
    # A native command sets $LASTEXITCODE: the value your last command left stays.
    $saved = $global:LASTEXITCODE
    try {
        $out = & mfa-env --follow --profile $name --shell powershell 2>$null
        if ($LASTEXITCODE -eq 0 -and $out) { Invoke-Expression ($out -join "`n") }
    } catch {
        # mfa-env not on PATH, or gone: the session stays as it is.
    } finally {
        $global:LASTEXITCODE = $saved
    }
}

# Get-Variable, not $global:..., so Set-StrictMode does not object.
if (($env:MFA_ENV_PROMPT -eq '1' -or $env:MFA_ENV_FOLLOW -ne '0') -and
    -not (Get-Variable -Name __mfa_env_prompt_wrapped -Scope Global -ErrorAction SilentlyContinue)) {
    $global:__mfa_env_prompt_wrapped = $true
    $global:__mfa_env_prompt_old = $function:prompt
    function global:prompt {
        # The original prompt runs first so it still sees $? of your command.
        $rest = if ($global:__mfa_env_prompt_old) { -join (& $global:__mfa_env_prompt_old) } else { 'PS> ' }
        __mfa_env_follow
        $segment = if ($env:MFA_ENV_PROMPT -eq '1') { mfa_env_prompt -Color } else { '' }
        if ($segment) { "$segment $rest" } else { $rest }
    }
}

# Tells `mfa-env doctor` (a child process) that this shell loaded the integration.
$Env:MFA_ENV_SHELL_INTEGRATION = "powershell:$PID"
