package dev.writ.policy;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The literal text every match of a subject pattern must begin and end with, read from
 * the pattern's source: a subject without them cannot match, which a {@code startsWith}
 * and an {@code endsWith} tell without running the regular expression. Among many grants
 * of one trust source, most patterns are ruled out that way.
 * <p>
 * The bounds are necessary conditions only, and the reading is conservative: a pattern
 * with alternation, inline flags, quoting or an escape it does not know yields empty
 * bounds, which rule nothing out. So the worst a mistake here could do is deny a subject
 * its pattern matches; it can never allow one.
 */
record LiteralBounds(String prefix, String suffix) {

	static final LiteralBounds NONE = new LiteralBounds("", "");

	/** Whether a subject could match: it has the prefix and the suffix. */
	boolean mayMatch(String subject) {
		return subject.startsWith(this.prefix) && subject.endsWith(this.suffix);
	}

	/**
	 * The bounds of a pattern compiled without flags and matched whole
	 * ({@code Matcher.matches}).
	 */
	static LiteralBounds of(String pattern) {
		if (pattern.contains("|") || pattern.contains("(?") || pattern.contains("\\Q") || pattern.contains("\\E")) {
			return NONE;
		}
		List<Atom> atoms = atoms(pattern);
		if (atoms == null) {
			return NONE;
		}
		StringBuilder prefix = new StringBuilder();
		for (int i = 0; i < atoms.size(); i++) {
			Atom atom = atoms.get(i);
			if (atom.kind() != Kind.LITERAL || (i + 1 < atoms.size() && atoms.get(i + 1).kind() == Kind.QUANTIFIER)) {
				break;
			}
			prefix.append(atom.literal());
		}
		StringBuilder suffix = new StringBuilder();
		for (int i = atoms.size() - 1; i >= 0 && atoms.get(i).kind() == Kind.LITERAL; i--) {
			suffix.insert(0, atoms.get(i).literal());
		}
		return new LiteralBounds(prefix.toString(), suffix.toString());
	}

	private enum Kind {

		LITERAL, QUANTIFIER, OTHER

	}

	private record Atom(Kind kind, char literal) {

		static final Atom QUANTIFIER = new Atom(Kind.QUANTIFIER, '\0');

		static final Atom OTHER = new Atom(Kind.OTHER, '\0');

	}

	// The pattern as atoms; null where it holds something this reading does not know.
	private static @Nullable List<Atom> atoms(String pattern) {
		List<Atom> atoms = new ArrayList<>();
		int end = pattern.length();
		int i = 0;
		if (pattern.startsWith("^")) {
			i = 1; // redundant under matches()
		}
		if (end > i && pattern.charAt(end - 1) == '$' && !escaped(pattern, end - 1)) {
			end--; // as redundant: matches() must consume the whole subject anyway
		}
		while (i < end) {
			char c = pattern.charAt(i);
			switch (c) {
				case '\\' -> {
					if (i + 1 >= end) {
						return null;
					}
					char next = pattern.charAt(i + 1);
					if (Character.isLetterOrDigit(next)) {
						if ("dDwWsSbB".indexOf(next) < 0) {
							return null; // \\u, \\x, \\0, \\p{..}, back references…: not
											// read here
						}
						atoms.add(Atom.OTHER);
					}
					else {
						atoms.add(new Atom(Kind.LITERAL, next));
					}
					i += 2;
				}
				case '[' -> {
					int close = classEnd(pattern, i, end);
					if (close < 0) {
						return null;
					}
					atoms.add(Atom.OTHER);
					i = close + 1;
				}
				case '{' -> {
					int close = pattern.indexOf('}', i);
					if (close < 0 || close >= end) {
						return null;
					}
					atoms.add(Atom.QUANTIFIER);
					i = close + 1;
				}
				case '*', '+', '?' -> {
					atoms.add(Atom.QUANTIFIER);
					i++;
				}
				case '.', '(', ')', '^', '$', ']', '}' -> {
					atoms.add(Atom.OTHER);
					i++;
				}
				default -> {
					atoms.add(new Atom(Kind.LITERAL, c));
					i++;
				}
			}
		}
		return atoms;
	}

	// The index of the ']' closing the class opened at 'open', nested classes and escapes
	// included; -1 if unsure.
	private static int classEnd(String pattern, int open, int end) {
		int depth = 0;
		for (int i = open; i < end; i++) {
			char c = pattern.charAt(i);
			if (c == '\\') {
				i++;
			}
			else if (c == '[') {
				depth++;
				if ((i + 1 < end && pattern.charAt(i + 1) == ']')
						|| (i + 2 < end && pattern.charAt(i + 1) == '^' && pattern.charAt(i + 2) == ']')) {
					return -1; // a leading ']' is read differently by different engines:
								// not read here
				}
			}
			else if (c == ']') {
				depth--;
				if (depth == 0) {
					return i;
				}
			}
		}
		return -1;
	}

	private static boolean escaped(String pattern, int index) {
		int backslashes = 0;
		for (int i = index - 1; i >= 0 && pattern.charAt(i) == '\\'; i--) {
			backslashes++;
		}
		return backslashes % 2 == 1;
	}

}
