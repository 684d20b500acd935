# bash completion for ktstr (installed as
# $(PREFIX)/share/bash-completion/completions/ktstr): its subcommands, their
# options and option values, the cached kernel versions, test names for -E
# and scenario files.

# The complete kernels of ktstr's cache (what --kernel VERSION and
# ktstr kernel rm take); the same folder as tools/ktstr/cache.sh.
_ktstr_kernels()
{
	local c=${KTSTR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ktstr}/kernels v
	for v in "$c"/*/version; do
		[[ -f $v ]] || continue
		v=${v%/version}
		printf '%s\n' "${v##*/}"
	done
}

_ktstr()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	local sub= opts n c
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	((COMP_CWORD > 1)) && sub=${COMP_WORDS[1]}
	case $sub in
	test | list | replay | demo | kernel) ;;
	*) sub= ;;
	esac

	if [[ $sub == kernel ]]; then
		if ((COMP_CWORD == 2)); then
			COMPREPLY=($(compgen -W 'fetch list rm --help' -- "$cur"))
		elif [[ ${COMP_WORDS[2]} == rm ]] && ((COMP_CWORD == 3)); then
			COMPREPLY=($(compgen -W "$(_ktstr_kernels)" -- "$cur"))
		elif [[ ${COMP_WORDS[2]} == fetch ]]; then
			if [[ $prev == --link ]]; then
				compopt -o filenames 2>/dev/null
				COMPREPLY=($(compgen -f -- "$cur"))
			else
				COMPREPLY=($(compgen -W '--debug --link' -- "$cur"))
			fi
		fi
		return 0
	fi

	case $prev in
	-k | --kernel)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -W "$(_ktstr_kernels)" -- "$cur") $(compgen -f -- "$cur"))
		return 0 ;;
	-o | --out)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	--accel)
		COMPREPLY=($(compgen -W 'auto kvm tcg' -- "$cur"))
		return 0 ;;
	--run-ignored)
		COMPREPLY=($(compgen -W 'ignored-only all' -- "$cur"))
		return 0 ;;
	-j | --jobs | --retries | --repro-runs)
		return 0 ;;
	-E)
		# test(NAME) of every test of the default scenario folder, quoted
		# for the shell.
		c=${cur#[\'\"]}
		c=${c//\\/}
		for n in $("${COMP_WORDS[0]}" list --run-ignored all 2>/dev/null); do
			[[ "test($n)" == "$c"* ]] && COMPREPLY+=("$(printf '%q' "test($n)")")
		done
		return 0 ;;
	esac

	opts='-k --kernel -o --out --accel --no-repro -v --verbose -h --help -V --version'
	case $sub in
	test | demo) opts="$opts -E --run-ignored -j --jobs --oversubscribe --retries --repro-runs" ;;
	list) opts="$opts -E --run-ignored --make" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi
	[[ $sub == demo ]] && return 0
	compopt -o filenames 2>/dev/null
	if [[ $sub == replay ]]; then
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
	fi
	# Scenario files and the folders that hold them.
	COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -d -- "$cur"))
	((COMP_CWORD == 1)) && COMPREPLY+=($(compgen -W 'test list replay demo kernel' -- "$cur"))
	return 0
}
complete -F _ktstr ktstr
