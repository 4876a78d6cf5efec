package dev.writ.trust;

import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks that a text is exactly one JSON object of RFC 8259's grammar, with none of the
 * leniencies of the JOSE library's parser (comments, single quotes, unquoted names,
 * {@code NaN}, trailing commas, several values), and with no duplicate member name in any
 * object (RFC 7515 §5.2, RFC 8725 §3.1: a duplicate would give one token two meanings).
 * Also refused: escapes of lone surrogates (RFC 7493 §2.1), numbers a double cannot hold,
 * and nesting deeper than {@link #MAX_DEPTH}. It only checks; parsing is left to the
 * library, which then cannot disagree.
 */
final class StrictJson {

	/**
	 * Deepest nesting of objects and arrays accepted; real headers and claim sets nest
	 * two or three levels.
	 */
	static final int MAX_DEPTH = 32;

	private final String text;

	private int at;

	private StrictJson(String text) {
		this.text = text;
	}

	/**
	 * @param text the decoded JSON text
	 * @return the names of the object's own members, decoded
	 * @throws ParseException saying what is wrong, and where, without quoting the text
	 */
	static Set<String> checkObject(String text) throws ParseException {
		StrictJson json = new StrictJson(text);
		json.whitespace();
		if (json.peek() != '{') {
			throw json.problem("not a JSON object");
		}
		Set<String> names = json.object(1);
		json.whitespace();
		if (json.at != text.length()) {
			throw json.problem("more than one JSON value");
		}
		return names;
	}

	private void value(int depth) throws ParseException {
		if (depth >= MAX_DEPTH) {
			throw problem("nested deeper than " + MAX_DEPTH);
		}
		int c = peek();
		switch (c) {
			case '{' -> object(depth + 1);
			case '[' -> array(depth + 1);
			case '"' -> string();
			case 't' -> literal("true");
			case 'f' -> literal("false");
			case 'n' -> literal("null");
			default -> {
				if (c == '-' || (c >= '0' && c <= '9')) {
					number();
				}
				else {
					throw problem("not a JSON value");
				}
			}
		}
	}

	// Returns the object's member names, decoded.
	private Set<String> object(int depth) throws ParseException {
		Set<String> names = new HashSet<>();
		elements('}', () -> {
			if (peek() != '"') {
				throw problem("a member name must be a string");
			}
			if (!names.add(string())) {
				throw problem("duplicate member name");
			}
			whitespace();
			expect(':');
			whitespace();
			value(depth);
		});
		return names;
	}

	private void array(int depth) throws ParseException {
		elements(']', () -> value(depth));
	}

	// The comma-separated elements of an object or array whose opening character is at
	// hand, up to its closing one.
	private void elements(char close, Element element) throws ParseException {
		this.at++; // { or [
		whitespace();
		if (peek() == close) {
			this.at++;
			return;
		}
		while (true) {
			whitespace();
			element.read();
			whitespace();
			if (peek() != ',') {
				expect(close);
				return;
			}
			this.at++;
		}
	}

	@FunctionalInterface
	private interface Element {

		void read() throws ParseException;

	}

	// Returns the decoded string, for duplicate detection.
	private String string() throws ParseException {
		this.at++; // "
		StringBuilder decoded = new StringBuilder();
		while (true) {
			if (this.at >= this.text.length()) {
				throw problem("unterminated string");
			}
			char c = this.text.charAt(this.at++);
			if (c == '"') {
				return decoded.toString();
			}
			if (c < 0x20) {
				throw problem("control character in a string");
			}
			if (c != '\\') {
				decoded.append(c);
				continue;
			}
			if (this.at >= this.text.length()) {
				throw problem("unterminated string");
			}
			char escape = this.text.charAt(this.at++);
			switch (escape) {
				case '"', '\\', '/' -> decoded.append(escape);
				case 'b' -> decoded.append('\b');
				case 'f' -> decoded.append('\f');
				case 'n' -> decoded.append('\n');
				case 'r' -> decoded.append('\r');
				case 't' -> decoded.append('\t');
				case 'u' -> unicodeEscape(decoded);
				default -> throw problem("invalid escape in a string");
			}
		}
	}

	private void unicodeEscape(StringBuilder decoded) throws ParseException {
		char c = hex4();
		if (Character.isLowSurrogate(c)) {
			throw problem("lone surrogate escape");
		}
		decoded.append(c);
		if (Character.isHighSurrogate(c)) {
			// Only a high surrogate followed at once by an escaped low surrogate is a
			// character.
			if (!this.text.startsWith("\\u", this.at)) {
				throw problem("lone surrogate escape");
			}
			this.at += 2;
			char low = hex4();
			if (!Character.isLowSurrogate(low)) {
				throw problem("lone surrogate escape");
			}
			decoded.append(low);
		}
	}

	private char hex4() throws ParseException {
		if (this.at + 4 > this.text.length()) {
			throw problem("invalid \\u escape");
		}
		int value = 0;
		for (int i = 0; i < 4; i++) {
			int digit = Character.digit(this.text.charAt(this.at++), 16);
			if (digit < 0) {
				throw problem("invalid \\u escape");
			}
			value = (value << 4) | digit;
		}
		return (char) value;
	}

	// RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
	private void number() throws ParseException {
		int start = this.at;
		if (peek() == '-') {
			this.at++;
		}
		if (peek() == '0') {
			this.at++;
		}
		else if (!digits()) {
			throw problem("invalid number");
		}
		if (peek() == '.') {
			this.at++;
			if (!digits()) {
				throw problem("invalid number");
			}
		}
		if (peek() == 'e' || peek() == 'E') {
			this.at++;
			if (peek() == '+' || peek() == '-') {
				this.at++;
			}
			if (!digits()) {
				throw problem("invalid number");
			}
		}
		if (this.at - start > 64 || Double.isInfinite(Double.parseDouble(this.text.substring(start, this.at)))) {
			throw problem("number out of range");
		}
	}

	private boolean digits() {
		int start = this.at;
		while (peek() >= '0' && peek() <= '9') {
			this.at++;
		}
		return this.at > start;
	}

	private void literal(String word) throws ParseException {
		if (!this.text.startsWith(word, this.at)) {
			throw problem("not a JSON value");
		}
		this.at += word.length();
	}

	private void expect(char c) throws ParseException {
		if (peek() != c) {
			throw problem("expected '" + c + "'");
		}
		this.at++;
	}

	// RFC 8259 §2: the four whitespace characters, nothing else (no NUL, no BOM, no
	// Unicode spaces).
	private void whitespace() {
		while (this.at < this.text.length()) {
			char c = this.text.charAt(this.at);
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return;
			}
			this.at++;
		}
	}

	private int peek() {
		return (this.at < this.text.length()) ? this.text.charAt(this.at) : -1;
	}

	private ParseException problem(String what) {
		return new ParseException(what + " at offset " + this.at, this.at);
	}

}
