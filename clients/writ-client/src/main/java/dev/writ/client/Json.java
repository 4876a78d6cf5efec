package dev.writ.client;

import java.io.IOException;
import java.text.ParseException;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * JSON objects read with nimbus's bundled parser; errors name the place, never the
 * content.
 */
final class Json {

	private Json() {
	}

	static Map<String, Object> object(String content, String where) throws IOException {
		try {
			return JSONObjectUtils.parse(content);
		}
		catch (ParseException ex) {
			throw new IOException(where + " is not a JSON object");
		}
	}

	static String string(Map<String, Object> object, String field, String where) throws IOException {
		Object value = object.get(field);
		if (!(value instanceof String string)) {
			throw new IOException(where + " has no string field '" + field + "'");
		}
		return string;
	}

}
