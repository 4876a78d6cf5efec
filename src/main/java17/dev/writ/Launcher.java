package dev.writ;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The jar's entry point, compiled for Java 17 so that an older JVM reaches it: on a JVM older than Writ needs it says
 * so in one sentence instead of an {@code UnsupportedClassVersionError} stack trace, and otherwise hands over to
 * {@link WritApplication}, which it names only by reflection so that nothing of Writ's is loaded before the check.
 */
public final class Launcher {

	/** The Java release Writ's classes are compiled for. */
	static final int REQUIRED_RELEASE = 21;

	private Launcher() {
	}

	public static void main(String[] args) throws Throwable {
		int running = Runtime.version().feature();
		if (running < REQUIRED_RELEASE) {
			System.err.println("writ: Writ needs Java " + REQUIRED_RELEASE + " or later, and this java is Java " + running
					+ " (" + System.getProperty("java.home") + "): run it with a JDK 21+ java, such as "
					+ "$JAVA_HOME/bin/java with JAVA_HOME pointing at JDK 25 (see README.md)");
			System.exit(1);
		}
		MethodHandle main = MethodHandles.lookup()
			.findStatic(Class.forName("dev.writ.WritApplication"), "main", MethodType.methodType(void.class, String[].class));
		main.invokeExact(args);
	}

}
