package dev.writ.trust;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Checks that a text is exactly one JSON object of RFC 8259's grammar, with none of the
 * leniencies of the JOSE library's parser (comments, single quotes, unquoted names,
 * {@code NaN}, trailing commas, several values), and with no duplicate member name in any
 * object (RFC 7515 §5.2, RFC 8725 §3.1: a duplicate would give one token two meanings).
 * Also refused: escapes of lone surrogates (RFC 7493 §2.1), numbers a double cannot hold,
 * and nesting deeper than {@link #MAX_DEPTH}. A header is then read by the library; a
 * claims set is read from this parser's own result, never parsed twice, so that what was
 * checked is what is read (and the two parsers cannot disagree about it).
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
		return parseObject(text).keySet();
	}

	/**
	 * The object, checked, as the JOSE library reads one: members in order, arrays as
	 * lists, an integer a {@code Long} where one holds it, any other number a
	 * {@code Double}, {@code null} a null value.
	 * @param text the decoded JSON text
	 * @throws ParseException saying what is wrong, and where, without quoting the text
	 */
	static Map<String, @Nullable Object> parseObject(String text) throws ParseException {
		StrictJson json = new StrictJson(text);
		json.whitespace();
		if (json.peek() != '{') {
			throw json.problem("not a JSON object");
		}
		Map<String, @Nullable Object> object = json.object(1);
		json.whitespace();
		if (json.at != text.length()) {
			throw json.problem("more than one JSON value");
		}
		return object;
	}

	private @Nullable Object value(int depth) throws ParseException {
		if (depth >= MAX_DEPTH) {
			throw problem("nested deeper than " + MAX_DEPTH);
		}
		int c = peek();
		return switch (c) {
			case '{' -> object(depth + 1);
			case '[' -> array(depth + 1);
			case '"' -> string();
			case 't' -> literal("true", true);
			case 'f' -> literal("false", false);
			case 'n' -> literal("null", null);
			default -> {
				if (c == '-' || (c >= '0' && c <= '9')) {
					yield number();
				}
				throw problem("not a JSON value");
			}
		};
	}

	private Map<String, @Nullable Object> object(int depth) throws ParseException {
		Map<String, @Nullable Object> members = new LinkedHashMap<>();
		elements('}', () -> {
			if (peek() != '"') {
				throw problem("a member name must be a string");
			}
			String name = string();
			if (members.containsKey(name)) {
				throw problem("duplicate member name");
			}
			whitespace();
			expect(':');
			whitespace();
			members.put(name, value(depth));
		});
		return members;
	}

	private List<@Nullable Object> array(int depth) throws ParseException {
		List<@Nullable Object> elements = new ArrayList<>();
		elements(']', () -> elements.add(value(depth)));
		return elements;
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
			// RFC 8259 §7: ASCII hex digits only (Character.digit takes any script's).
			char c = this.text.charAt(this.at++);
			int digit = (c < 0x80) ? Character.digit(c, 16) : -1;
			if (digit < 0) {
				throw problem("invalid \\u escape");
			}
			value = (value << 4) | digit;
		}
		return (char) value;
	}

	// RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; a Long where one holds
	// it, else a Double, as the JOSE library's LONG_OR_DOUBLE reading has it.
	private Number number() throws ParseException {
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
		String number = this.text.substring(start, this.at);
		double value = Double.parseDouble(number);
		if (this.at - start > 64 || Double.isInfinite(value)) {
			throw problem("number out of range");
		}
		try {
			return Long.parseLong(number);
		}
		catch (NumberFormatException ex) {
			return value;
		}
	}

	private boolean digits() {
		int start = this.at;
		while (peek() >= '0' && peek() <= '9') {
			this.at++;
		}
		return this.at > start;
	}

	private @Nullable Object literal(String word, @Nullable Object value) throws ParseException {
		if (!this.text.startsWith(word, this.at)) {
			throw problem("not a JSON value");
		}
		this.at += word.length();
		return value;
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
