package sc.fiji.scoresde.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Held on {@code training/lock} while a run trains into an output folder, so that a second run (a resume started
 * twice, two windows) is refused instead of both writing one checkpoint. An operating-system lock: it ends with the
 * JVM however the JVM ends, so a crash leaves nothing to clean up. The empty file stays.
 */
final class TrainingLock implements AutoCloseable {

	private final FileChannel channel;
	private final FileLock lock;

	private TrainingLock(final FileChannel channel, final FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	static Path file(final Path output) {
		return output.resolve("training").resolve("lock");
	}

	static TrainingLock acquire(final Path output) throws IOException {
		final Path file = file(output);
		Files.createDirectories(file.getParent());
		final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		FileLock lock = null;
		try {
			lock = channel.tryLock();
		}
		catch (final OverlappingFileLockException e) {
			// this JVM holds it: another run in the same Fiji or the same test
		}
		finally {
			if (lock == null) channel.close();
		}
		if (lock == null) throw new IllegalArgumentException("another run is training into " + output + " (it " +
			"holds " + file + "); let it end or stop it, or choose another output folder");
		return new TrainingLock(channel, lock);
	}

	@Override
	public void close() throws IOException {
		try {
			lock.release();
		}
		finally {
			channel.close();
		}
	}
}
