package sc.fiji.scoresde.model;

import java.util.Locale;

/** Element types of tensors in model files (safetensors names; torch storages map onto them). */
public enum DType {
	F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

	private final int bytes;

	DType(final int bytes) {
		this.bytes = bytes;
	}

	public int bytes() {
		return bytes;
	}

	public boolean isFloatingPoint() {
		return this == F64 || this == F32 || this == F16 || this == BF16;
	}

	/** Parses a safetensors dtype name, or returns null when it is not one we read. */
	public static DType fromSafetensorsName(final String name) {
		if (name == null) return null;
		try {
			return valueOf(name.toUpperCase(Locale.ROOT));
		}
		catch (final IllegalArgumentException e) {
			return null;
		}
	}
}
