package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.DType;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import sc.fiji.scoresde.errors.Echo;

/**
 * A pickle virtual machine that builds only plain data (numbers, strings, tuples, lists, dicts) plus the handful of
 * globals a torch.save state dict needs, like {@code torch.load(weights_only=True)}. It never looks up a class or
 * calls a function by name: every GLOBAL is checked against {@link #ALLOWED_GLOBALS} when it is read, and anything
 * else ends the read with an error naming the global. Tensors come out as {@link StorageView}s: no storage is read
 * here, so that the caller can count what the storages need before reading any, and read each only once.
 */
final class RestrictedUnpickler {

	static final String ORDERED_DICT = "collections.OrderedDict";
	static final String REBUILD_TENSOR_V2 = "torch._utils._rebuild_tensor_v2";
	static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";

	/** Storage class names and the element type each stores. */
	static final Map<String, DType> STORAGE_TYPES;

	static {
		final Map<String, DType> m = new HashMap<>();
		m.put("torch.FloatStorage", DType.F32);
		m.put("torch.HalfStorage", DType.F16);
		m.put("torch.BFloat16Storage", DType.BF16);
		m.put("torch.DoubleStorage", DType.F64);
		m.put("torch.LongStorage", DType.I64);
		m.put("torch.IntStorage", DType.I32);
		m.put("torch.ShortStorage", DType.I16);
		m.put("torch.CharStorage", DType.I8);
		m.put("torch.ByteStorage", DType.U8);
		m.put("torch.BoolStorage", DType.BOOL);
		STORAGE_TYPES = Collections.unmodifiableMap(m);
	}

	static final Set<String> ALLOWED_GLOBALS;

	static {
		final Set<String> s = new TreeSet<>(STORAGE_TYPES.keySet());
		s.add(ORDERED_DICT);
		s.add(REBUILD_TENSOR_V2);
		s.add(REBUILD_PARAMETER);
		ALLOWED_GLOBALS = Collections.unmodifiableSet(s);
	}

	/** A reference to an allowed global; it is data, never something that gets called reflectively. */
	static final class Global {

		final String name;

		Global(final String name) {
			this.name = name;
		}

		@Override
		public String toString() {
			return name;
		}
	}

	private static final Object MARK = new Object();
	/**
	 * A state dict's pickle pushes about 32 items and memoizes about 8 per tensor, so these allow some 60 000
	 * tensors; without them a 64 MB data.pkl of one-byte EMPTY_DICT or MARK ops (64 kB deflated) held 64 million
	 * objects, 4 GB of heap.
	 */
	private static final int MAX_PUSHES = 2_000_000;
	private static final int MAX_MEMO = 2_000_000;

	private final byte[] data;
	private final String source;
	/** One Storage per key: torch.load also builds a storage once however many persistent ids name it. */
	private final Map<String, StorageView.Storage> storages = new HashMap<>();
	private int pos;
	private int pushes;
	private final List<Object> stack = new ArrayList<>();
	private final List<Integer> marks = new ArrayList<>();
	private final Map<Long, Object> memo = new HashMap<>();

	RestrictedUnpickler(final byte[] data, final String source) {
		this.data = data;
		this.source = source;
	}

	Object load() throws ModelFormatException {
		try {
			while (true) {
				final int op = u8();
				if (op == '.') {
					if (stack.size() != 1) throw error("pickle ends with " + stack.size() + " items on the stack");
					return stack.get(0);
				}
				dispatch(op);
			}
		}
		catch (final IndexOutOfBoundsException | ClassCastException | ArithmeticException e) {
			throw error("malformed pickle at byte " + pos + " (" + e.getClass().getSimpleName() + ")");
		}
	}

	private void dispatch(final int op) throws ModelFormatException {
		switch (op) {
			case 0x80: u8(); break; // PROTO
			case 0x95: skip(8); break; // FRAME
			case '(': marks.add(stack.size()); push(MARK); break;
			case '0': pop(); break;
			case '1': popMark(); break;
			case '2': push(peek()); break;
			case 'N': push(null); break;
			case 0x88: push(Boolean.TRUE); break;
			case 0x89: push(Boolean.FALSE); break;
			case 'J': push((long) i32()); break;
			case 'K': push((long) u8()); break;
			case 'M': push((long) u16()); break;
			case 0x8a: push(longN(u8())); break;
			case 0x8b: push(longN(i32())); break;
			case 'G': push(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble()); break;
			case 'X': push(utf8(len32())); break;
			case 0x8c: push(utf8(u8())); break;
			case 0x8d: push(utf8(len64())); break;
			case 'T': push(new String(bytes(len32()), StandardCharsets.ISO_8859_1)); break;
			case 'U': push(new String(bytes(u8()), StandardCharsets.ISO_8859_1)); break;
			case 'B': push(bytes(len32())); break;
			case 'C': push(bytes(u8())); break;
			case ')': push(Collections.emptyList()); break;
			case 't': push(Collections.unmodifiableList(popMark())); break;
			case 0x85: push(tupleOf(1)); break;
			case 0x86: push(tupleOf(2)); break;
			case 0x87: push(tupleOf(3)); break;
			case ']': push(new ArrayList<>()); break;
			case 'l': push(popMark()); break;
			case 'a': { final Object v = pop(); list(peek()).add(v); break; }
			case 'e': { final List<Object> items = popMark(); list(peek()).addAll(items); break; }
			case '}': push(new LinkedHashMap<>()); break;
			case 'd': { final Map<Object, Object> m = new LinkedHashMap<>(); putAll(m, popMark()); push(m); break; }
			case 's': { final Object v = pop(); final Object k = pop(); map(peek()).put(key(k), v); break; }
			case 'u': { final List<Object> items = popMark(); putAll(map(peek()), items); break; }
			case 'q': memoPut(u8()); break;
			case 'r': memoPut(u32()); break;
			case 0x94: memoPut(memo.size()); break;
			case 'p': memoPut(decimal(line())); break;
			case 'h': push(memoGet(u8())); break;
			case 'j': push(memoGet(u32())); break;
			case 'g': push(memoGet(decimal(line()))); break;
			case 'c': push(global(line() + "." + line())); break;
			case 0x93: { final Object name = pop(); final Object module = pop(); push(global(str(module) + "." + str(name))); break; }
			case 'R': { final Object args = pop(); final Object callable = pop(); push(reduce(callable, args)); break; }
			case 'b': { pop(); if (!(peek() instanceof Map) && !(peek() instanceof StorageView)) throw error("BUILD on " + describe(peek())); break; }
			case 'Q': push(persistent(pop())); break;
			default:
				throw error("pickle opcode 0x" + Integer.toHexString(op) + " at byte " + (pos - 1) +
					" is not allowed in a weights file (only plain data, tensors and ordered dicts are read)");
		}
	}

	private Object global(final String qualified) throws ModelFormatException {
		if (!ALLOWED_GLOBALS.contains(qualified)) {
			throw new ModelFormatException(source + ": refused to load global '" + qualified +
				"': a weights file may only reference tensors, storages and ordered dicts (allowed: " +
				ALLOWED_GLOBALS + "). Nothing from the file was executed.");
		}
		return new Global(qualified);
	}

	private Object reduce(final Object callable, final Object argsObject) throws ModelFormatException {
		if (!(callable instanceof Global)) throw error("REDUCE on " + describe(callable) +
			", which is not an allowed global");
		final String name = ((Global) callable).name;
		final List<?> args = tuple(argsObject, name);
		switch (name) {
			case ORDERED_DICT:
				if (!args.isEmpty()) throw error(ORDERED_DICT + " called with arguments");
				return new LinkedHashMap<>();
			case REBUILD_TENSOR_V2:
				return rebuildTensor(args);
			case REBUILD_PARAMETER:
				if (args.isEmpty() || !(args.get(0) instanceof StorageView)) throw error(name +
					" expects a tensor as first argument");
				return args.get(0);
			default:
				throw error("global '" + name + "' cannot be called");
		}
	}

	private StorageView rebuildTensor(final List<?> args) throws ModelFormatException {
		if (args.size() < 4 || !(args.get(0) instanceof StorageView.Storage)) throw error(REBUILD_TENSOR_V2 +
			" expects (storage, offset, size, stride, ...)");
		return StorageView.of(source, (StorageView.Storage) args.get(0), asLong(args.get(1), "storage offset"), longs(
			args.get(2), "size"), longs(args.get(3), "stride"));
	}

	private StorageView.Storage persistent(final Object pid) throws ModelFormatException {
		final List<?> t = tuple(pid, "persistent id");
		if (t.size() != 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof Global)) throw error(
			"unsupported persistent id " + describe(pid) + " (expected ('storage', type, key, location, numel))");
		final String type = ((Global) t.get(1)).name;
		final DType dtype = STORAGE_TYPES.get(type);
		if (dtype == null) throw error("persistent id names " + type + ", which is not a storage type");
		final String key = str(t.get(2));
		final long numel = asLong(t.get(4), "storage size");
		if (numel < 0) throw error("storage " + Echo.quoted(key) + " has negative size " + numel);
		final long byteSize;
		try {
			byteSize = Math.multiplyExact(numel, dtype.bytes());
		}
		catch (final ArithmeticException e) {
			throw error("storage " + Echo.quoted(key) + " of " + numel + " elements has a size that overflows");
		}
		final StorageView.Storage known = storages.get(key);
		if (known == null) {
			final StorageView.Storage storage = new StorageView.Storage(key, dtype, numel, byteSize);
			storages.put(key, storage);
			return storage;
		}
		if (known.dtype != dtype || known.numel != numel) throw error("storage " + Echo.quoted(key) +
			" is declared twice, as " + known.numel + " × " + known.dtype + " and as " + numel + " × " + dtype);
		return known;
	}

	// --- stack and memo ---

	private void push(final Object o) throws ModelFormatException {
		if (++pushes > MAX_PUSHES) throw error("pickle builds more than " + MAX_PUSHES +
			" objects, far more than a state dict of weights needs");
		stack.add(o);
	}

	private Object pop() throws ModelFormatException {
		if (stack.isEmpty()) throw error("pickle pops from an empty stack at byte " + pos);
		final Object o = stack.remove(stack.size() - 1);
		if (o == MARK) throw error("pickle pops a mark at byte " + pos);
		return o;
	}

	private Object peek() throws ModelFormatException {
		if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw error("pickle reads an empty stack at byte " + pos);
		return stack.get(stack.size() - 1);
	}

	private List<Object> popMark() throws ModelFormatException {
		if (marks.isEmpty()) throw error("pickle has no mark to pop at byte " + pos);
		final int m = marks.remove(marks.size() - 1);
		final List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
		stack.subList(m, stack.size()).clear();
		return items;
	}

	private List<Object> tupleOf(final int n) throws ModelFormatException {
		final Object[] items = new Object[n];
		for (int i = n - 1; i >= 0; i--)
			items[i] = pop();
		return Collections.unmodifiableList(Arrays.asList(items));
	}

	private void memoPut(final long index) throws ModelFormatException {
		if (memo.size() >= MAX_MEMO) throw error("pickle memo exceeds " + MAX_MEMO + " entries");
		memo.put(index, peek());
	}

	private Object memoGet(final long index) throws ModelFormatException {
		if (!memo.containsKey(index)) throw error("pickle refers to memo entry " + index + ", which was never set");
		return memo.get(index);
	}

	// --- typed views of stack items ---

	@SuppressWarnings("unchecked")
	private List<Object> list(final Object o) throws ModelFormatException {
		if (!(o instanceof ArrayList)) throw error("APPEND to " + describe(o));
		return (List<Object>) o;
	}

	@SuppressWarnings("unchecked")
	private Map<Object, Object> map(final Object o) throws ModelFormatException {
		if (!(o instanceof Map)) throw error("SETITEM on " + describe(o));
		return (Map<Object, Object>) o;
	}

	private void putAll(final Map<Object, Object> m, final List<Object> items) throws ModelFormatException {
		if (items.size() % 2 != 0) throw error("odd number of items for a dict");
		for (int i = 0; i < items.size(); i += 2)
			m.put(key(items.get(i)), items.get(i + 1));
	}

	private Object key(final Object k) throws ModelFormatException {
		// scalar keys only: a tuple key would be hashed, and a pickle can make a tuple or list contain itself
		if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double)
			return k;
		throw error("unsupported dict key " + describe(k) + " (a weights file keys its dicts by name)");
	}

	private List<?> tuple(final Object o, final String what) throws ModelFormatException {
		if (!(o instanceof List)) throw error(what + ": expected a tuple, got " + describe(o));
		return (List<?>) o;
	}

	private String str(final Object o) throws ModelFormatException {
		if (!(o instanceof String)) throw error("expected a string, got " + describe(o));
		return (String) o;
	}

	private long asLong(final Object o, final String what) throws ModelFormatException {
		if (o instanceof Long) return (Long) o;
		if (o instanceof Boolean) return ((Boolean) o) ? 1 : 0;
		throw error(what + ": expected an integer, got " + describe(o));
	}

	private long[] longs(final Object o, final String what) throws ModelFormatException {
		final List<?> t = tuple(o, what);
		if (t.size() > 64) throw error(what + " has " + t.size() + " dimensions");
		final long[] out = new long[t.size()];
		for (int i = 0; i < out.length; i++)
			out[i] = asLong(t.get(i), what);
		return out;
	}

	private static String describe(final Object o) {
		if (o == null) return "None";
		if (o == MARK) return "a mark";
		if (o instanceof Global) return "global " + o;
		return "a " + o.getClass().getSimpleName();
	}

	// --- raw reads, each bounded by the remaining input ---

	private int u8() throws ModelFormatException {
		need(1);
		return data[pos++] & 0xff;
	}

	private int u16() throws ModelFormatException {
		need(2);
		final int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
		pos += 2;
		return v;
	}

	private int i32() throws ModelFormatException {
		need(4);
		final int v = ByteBuffer.wrap(data, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
		pos += 4;
		return v;
	}

	private long u32() throws ModelFormatException {
		return i32() & 0xffffffffL;
	}

	private int len32() throws ModelFormatException {
		final long n = u32();
		if (n > data.length - pos) throw error("pickle string of " + n + " bytes runs past the end of the data");
		return (int) n;
	}

	private int len64() throws ModelFormatException {
		need(8);
		final long n = ByteBuffer.wrap(data, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
		pos += 8;
		if (n < 0 || n > data.length - pos) throw error("pickle string of " + n + " bytes runs past the end");
		return (int) n;
	}

	private Object longN(final int n) throws ModelFormatException {
		if (n < 0 || n > 8) throw error("pickle integer of " + n + " bytes is out of range for a weights file");
		final byte[] b = bytes(n);
		if (n == 0) return 0L;
		final byte[] be = new byte[n];
		for (int i = 0; i < n; i++)
			be[i] = b[n - 1 - i];
		return new BigInteger(be).longValue();
	}

	private byte[] bytes(final int n) throws ModelFormatException {
		need(n);
		final byte[] b = Arrays.copyOfRange(data, pos, pos + n);
		pos += n;
		return b;
	}

	private String utf8(final int n) throws ModelFormatException {
		return new String(bytes(n), StandardCharsets.UTF_8);
	}

	private long decimal(final String text) throws ModelFormatException {
		try {
			return Long.parseLong(text.trim());
		}
		catch (final NumberFormatException e) {
			throw error("pickle memo index '" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) +
				"' is not a number");
		}
	}

	private void skip(final int n) throws ModelFormatException {
		need(n);
		pos += n;
	}

	private String line() throws ModelFormatException {
		final int start = pos;
		while (pos < data.length && data[pos] != '\n') {
			if (pos - start > 4096) throw error("pickle text line longer than 4096 bytes");
			pos++;
		}
		if (pos >= data.length) throw error("pickle ends inside a text line");
		final String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
		pos++;
		return s;
	}

	private void need(final int n) throws ModelFormatException {
		if (n < 0 || pos + n > data.length) throw error("pickle data ends early at byte " + pos +
			" (truncated file?)");
	}

	private ModelFormatException error(final String message) {
		return new ModelFormatException(source + ": " + message);
	}
}
