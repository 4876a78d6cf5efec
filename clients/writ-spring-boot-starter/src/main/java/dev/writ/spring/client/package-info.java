/**
 * Writ tokens on a Spring Boot workload's outgoing calls:
 * {@link dev.writ.spring.client.WritClientAutoConfiguration}.
 */
@NullMarked
package dev.writ.spring.client;

import org.jspecify.annotations.NullMarked;
