package dev.writ.web;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import dev.writ.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

class OAuth2ErrorResponsesTests {

	@Test
	void entityThenTheCodesStatusNoStoreAndTheErrorBody() {
		ResponseEntity<Map<String, Object>> entity = OAuth2ErrorResponses.entity(ErrorCode.INVALID_REQUEST,
				"token must be sent once");

		assertThat(entity.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(entity.getHeaders().toSingleValueMap()).containsExactly(Map.entry("Cache-Control", "no-store"));
		assertThat(entity.getBody()).containsOnly(Map.entry("error", "invalid_request"),
				Map.entry("error_description", "token must be sent once"));
	}

	@Test
	void entityWhenRetryAfterThenRetryAfterAndNoStore() {
		ResponseEntity<Map<String, Object>> entity = OAuth2ErrorResponses.entity(ErrorCode.TEMPORARILY_UNAVAILABLE,
				"retry later", 1);

		assertThat(entity.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(entity.getHeaders().headerNames()).containsExactly("Retry-After", "Cache-Control");
		assertThat(entity.getHeaders().get("Retry-After")).isEqualTo(List.of("1"));
		assertThat(entity.getHeaders().getCacheControl()).isEqualTo("no-store");
		assertThat(entity.getBody()).containsOnly(Map.entry("error", "temporarily_unavailable"),
				Map.entry("error_description", "retry later"));
	}

}
