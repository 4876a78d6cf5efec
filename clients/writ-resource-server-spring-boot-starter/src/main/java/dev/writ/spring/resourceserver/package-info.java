/**
 * Writ's access tokens in a Spring Boot resource server:
 * {@link dev.writ.spring.resourceserver.WritResourceServerAutoConfiguration}.
 */
@NullMarked
package dev.writ.spring.resourceserver;

import org.jspecify.annotations.NullMarked;
