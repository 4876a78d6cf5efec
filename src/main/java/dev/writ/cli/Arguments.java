package dev.writ.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A command's words, read against what the command takes ({@link Syntax}): options with a
 * value ({@code --keys DIR}, anywhere, possibly repeated), flags ({@code --explain}), and
 * positionals in order. The word after an option is its value, whatever it looks like.
 * Any other word starting with {@code -} is a usage error naming it, as is a positional
 * more than the command takes.
 */
final class Arguments {

	private static final Set<String> HELP = Set.of("--help", "-h");

	private final Syntax syntax;

	private final Map<String, List<String>> options;

	private final Set<String> flags;

	private final List<String> positionals;

	private Arguments(Syntax syntax, Map<String, List<String>> options, Set<String> flags, List<String> positionals) {
		this.syntax = syntax;
		this.options = options;
		this.flags = flags;
		this.positionals = positionals;
	}

	/**
	 * Whether the words ask for the usage: {@code --help} or {@code -h} anywhere, after
	 * any command too.
	 */
	static boolean asksForHelp(List<String> words) {
		return words.stream().anyMatch(HELP::contains);
	}

	/**
	 * Reads {@code words} as {@code syntax} says.
	 * @throws UsageException for an option the command does not take, an option without
	 * its value, or a positional more than the command takes
	 */
	static Arguments read(List<String> words, Syntax syntax) {
		Map<String, List<String>> options = new LinkedHashMap<>();
		Set<String> flags = new HashSet<>();
		List<String> positionals = new ArrayList<>();
		for (int i = 0; i < words.size(); i++) {
			String word = words.get(i);
			if (syntax.options().contains(word)) {
				if (i + 1 >= words.size()) {
					throw new UsageException(word + " needs a value");
				}
				options.computeIfAbsent(word, (name) -> new ArrayList<>()).add(words.get(++i));
			}
			else if (syntax.flags().contains(word)) {
				flags.add(word);
			}
			else if (word.length() > 1 && word.startsWith("-")) {
				throw new UsageException("unknown option: " + word);
			}
			else if (positionals.size() >= syntax.positionals()) {
				throw new UsageException("unexpected argument: " + word);
			}
			else {
				positionals.add(word);
			}
		}
		return new Arguments(syntax, Map.copyOf(options), Set.copyOf(flags), List.copyOf(positionals));
	}

	/** Whether the command takes option or flag {@code name}. */
	boolean takes(String name) {
		return this.syntax.options().contains(name) || this.syntax.flags().contains(name);
	}

	/**
	 * The value of option {@code name}, if given.
	 * @throws UsageException if it is given more than once
	 */
	Optional<String> option(String name) {
		List<String> values = options(name);
		if (values.size() > 1) {
			throw new UsageException(name + " may be given once");
		}
		return values.stream().findFirst();
	}

	/** Every value of option {@code name}, in order: none where it is not given. */
	List<String> options(String name) {
		if (!this.syntax.options().contains(name)) {
			throw new IllegalArgumentException("the command takes no option " + name);
		}
		return this.options.getOrDefault(name, List.of());
	}

	/** Whether flag {@code name} is given. */
	boolean flag(String name) {
		if (!this.syntax.flags().contains(name)) {
			throw new IllegalArgumentException("the command takes no flag " + name);
		}
		return this.flags.contains(name);
	}

	/** The positional at {@code index}, if given. */
	Optional<String> positional(int index) {
		return (index < this.positionals.size()) ? Optional.of(this.positionals.get(index)) : Optional.empty();
	}

	/**
	 * The positional at {@code index}.
	 * @param what what it is, for the usage error ({@code a SPIFFE ID})
	 * @throws UsageException if it is missing
	 */
	String required(int index, String what) {
		return positional(index).orElseThrow(() -> new UsageException("missing " + what));
	}

	/**
	 * What a command takes.
	 *
	 * @param positionals how many positionals at most
	 * @param options the options that take a value
	 * @param flags the options that take none
	 */
	record Syntax(int positionals, Set<String> options, Set<String> flags) {

		Syntax {
			options = Set.copyOf(options);
			flags = Set.copyOf(flags);
		}

		/** A command of at most {@code positionals} positionals, and no option yet. */
		static Syntax of(int positionals) {
			return new Syntax(positionals, Set.of(), Set.of());
		}

		/** This syntax with the options {@code names} too. */
		Syntax withOptions(String... names) {
			return new Syntax(this.positionals, union(this.options, names), this.flags);
		}

		/** This syntax with the flags {@code names} too. */
		Syntax withFlags(String... names) {
			return new Syntax(this.positionals, this.options, union(this.flags, names));
		}

		private static Set<String> union(Set<String> names, String... more) {
			return Stream.concat(names.stream(), Stream.of(more)).collect(Collectors.toUnmodifiableSet());
		}

	}

}
