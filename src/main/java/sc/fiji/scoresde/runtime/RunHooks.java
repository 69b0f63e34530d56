package sc.fiji.scoresde.runtime;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import sc.fiji.scoresde.sampling.SamplingListener;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.TrajectoryObserver;

/**
 * What a front end hands one run: where progress and log lines go, how the run learns it is cancelled. The run calls
 * them on the engine thread ({@link EngineThread}).
 */
public class RunHooks {

	public SamplingListener progress = SamplingListener.NONE;
	public BooleanSupplier cancelled = () -> false;
	public Consumer<String> log = line -> {};
	public TrajectoryObserver observer;
	/** replaces the loaded network (tests: a score model that fails on purpose) */
	public ScoreModel scoreModel;
}
