package sc.fiji.scoresde.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, C-ordered tensor held in Java memory as read from (or written to) a file. It knows nothing about the
 * tensor engine; {@link #toFloatArray()} converts half and bfloat16 in Java because DJL aborts the JVM on BF16.
 */
public final class HostTensor {

	private final DType dtype;
	private final long[] shape;
	private final ByteBuffer data;

	/** @param data little-endian bytes, exactly numel · dtype.bytes() long */
	public HostTensor(final DType dtype, final long[] shape, final ByteBuffer data) {
		this.dtype = dtype;
		this.shape = shape.clone();
		this.data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
		final long expected = numel(shape) * dtype.bytes();
		if (this.data.remaining() != expected) throw new IllegalArgumentException("tensor of shape " + Arrays
			.toString(shape) + " and dtype " + dtype + " needs " + expected + " bytes, got " + this.data.remaining());
	}

	public static HostTensor ofFloats(final long[] shape, final float[] values) {
		final ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		b.asFloatBuffer().put(values);
		return new HostTensor(DType.F32, shape, b);
	}

	public static long numel(final long[] shape) {
		long n = 1;
		for (final long d : shape) {
			if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
			n = Math.multiplyExact(n, d);
		}
		return n;
	}

	public DType dtype() {
		return dtype;
	}

	public long[] shape() {
		return shape.clone();
	}

	public long numel() {
		return numel(shape);
	}

	/** The raw little-endian bytes (a read-only view). */
	public ByteBuffer bytes() {
		return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
	}

	/** The values as float32, converting every supported dtype (F16 and BF16 exactly). */
	public float[] toFloatArray() {
		final int n = Math.toIntExact(numel());
		final float[] out = new float[n];
		final ByteBuffer b = bytes();
		switch (dtype) {
			case F32:
				b.asFloatBuffer().get(out);
				break;
			case F64:
				for (int i = 0; i < n; i++)
					out[i] = (float) b.getDouble(i * 8);
				break;
			case F16:
				for (int i = 0; i < n; i++)
					out[i] = halfToFloat(b.getShort(i * 2));
				break;
			case BF16:
				for (int i = 0; i < n; i++)
					out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
				break;
			case I64:
				for (int i = 0; i < n; i++)
					out[i] = b.getLong(i * 8);
				break;
			case I32:
				for (int i = 0; i < n; i++)
					out[i] = b.getInt(i * 4);
				break;
			case I16:
				for (int i = 0; i < n; i++)
					out[i] = b.getShort(i * 2);
				break;
			case I8:
				for (int i = 0; i < n; i++)
					out[i] = b.get(i);
				break;
			case U8:
			case BOOL:
				for (int i = 0; i < n; i++)
					out[i] = b.get(i) & 0xff;
				break;
			default:
				throw new IllegalStateException("unhandled dtype " + dtype);
		}
		return out;
	}

	/** The values as long integers (integer dtypes only). */
	public long[] toLongArray() {
		final int n = Math.toIntExact(numel());
		final long[] out = new long[n];
		final ByteBuffer b = bytes();
		for (int i = 0; i < n; i++) {
			switch (dtype) {
				case I64: out[i] = b.getLong(i * 8); break;
				case I32: out[i] = b.getInt(i * 4); break;
				case I16: out[i] = b.getShort(i * 2); break;
				case I8: out[i] = b.get(i); break;
				case U8: case BOOL: out[i] = b.get(i) & 0xff; break;
				default: throw new IllegalStateException("tensor of dtype " + dtype + " is not integer");
			}
		}
		return out;
	}

	/** IEEE 754 binary16 to float32 (exact, including subnormals, infinities and NaN). */
	static float halfToFloat(final short h) {
		final int bits = h & 0xffff;
		final int sign = (bits & 0x8000) << 16;
		final int exponent = (bits >>> 10) & 0x1f;
		int mantissa = bits & 0x3ff;
		if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
		if (exponent == 0) {
			if (mantissa == 0) return Float.intBitsToFloat(sign);
			int e = -14;
			while ((mantissa & 0x400) == 0) {
				mantissa <<= 1;
				e--;
			}
			mantissa &= 0x3ff;
			return Float.intBitsToFloat(sign | ((e + 127) << 23) | (mantissa << 13));
		}
		return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
	}
}
