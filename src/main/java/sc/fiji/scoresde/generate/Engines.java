package sc.fiji.scoresde.generate;

import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine with this plugin's class loader as thread context class loader: inside a plugin
 * class loader (Fiji, ImageJ 1) DJL otherwise finds no engine, and that failure sticks for the JVM.
 */
public final class Engines {

	public static final String PYTORCH = "PyTorch";

	private Engines() {}

	public static Engine pytorch() {
		final Thread t = Thread.currentThread();
		final ClassLoader previous = t.getContextClassLoader();
		t.setContextClassLoader(Engines.class.getClassLoader());
		try {
			return Engine.getEngine(PYTORCH);
		}
		catch (final RuntimeException | UnsatisfiedLinkError e) {
			throw new IllegalStateException("the PyTorch engine of DJL could not start (" + e.getMessage() +
				"); the CPU natives come from the pytorch-native-cpu jar, see README 'Devices'", e);
		}
		finally {
			t.setContextClassLoader(previous);
		}
	}
}
