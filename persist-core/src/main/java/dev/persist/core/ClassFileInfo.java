package dev.persist.core;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The little of a class file that {@link JShellCapture} needs: the names it mentions, its
 * supertypes, and, for each method, the fields, methods and classes its instructions use. Reads
 * class files of any version up to what the running JDK defines.
 */
final class ClassFileInfo {

    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int FLOAT = 4;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int CLASS = 7;
    private static final int STRING = 8;
    private static final int FIELD_REF = 9;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_HANDLE = 15;
    private static final int METHOD_TYPE = 16;
    private static final int DYNAMIC = 17;
    private static final int INVOKE_DYNAMIC = 18;
    private static final int MODULE = 19;
    private static final int PACKAGE = 20;

    private static final int GETSTATIC = 0xb2;
    private static final int REF_GET_STATIC = 2;
    private static final int REF_PUT_STATIC = 4;

    /** Operand bytes of each opcode, except the variable-length ones. */
    private static final byte[] OPERANDS = new byte[256];

    static {
        set(1, 0x10, 0x12, 0xa9, 0xbc);                 // bipush, ldc, ret, newarray
        set(1, range(0x15, 0x19));                      // loads
        set(1, range(0x36, 0x3a));                      // stores
        set(2, 0x11, 0x13, 0x14, 0x84, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7); // sipush, ldc_w, ldc2_w, iinc, new, ...
        set(2, range(0x99, 0xa8));                      // branches, goto, jsr
        set(2, range(0xb2, 0xb8));                      // field access, invokevirtual/special/static
        set(3, 0xc5);                                   // multianewarray
        set(4, 0xb9, 0xba, 0xc8, 0xc9);                 // invokeinterface, invokedynamic, goto_w, jsr_w
    }

    /** What an instruction uses. */
    enum Use {
        /** Reads a static field: {@code getstatic}, or a {@code REF_getStatic} method handle. */
        STATIC_READ,
        /** Calls or refers to a method. */
        METHOD,
        /** Uses a class otherwise: other field access, {@code new}, casts, class literals. */
        CLASS
    }

    /**
     * @param use what kind of use
     * @param owner the internal name of the class, e.g. {@code REPL/$JShell$11}
     * @param name the member's name, or null for {@link Use#CLASS}
     * @param descriptor the member's descriptor, or null for {@link Use#CLASS}
     */
    record Reference(Use use, String owner, String name, String descriptor) {
    }

    private final Object[] constants;
    private final int[] tags;
    private final String name;
    private final List<String> supertypes = new ArrayList<>();
    private final Map<String, byte[]> code = new HashMap<>();
    private final List<int[]> bootstrapArguments = new ArrayList<>();

    private ClassFileInfo(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        constants = new Object[count];
        tags = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case UTF8 -> constants[i] = in.readUTF();
                case INTEGER, FLOAT -> in.readInt();
                case LONG, DOUBLE -> {
                    in.readLong();
                    i++; // takes two entries
                }
                case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> constants[i] = new int[] {in.readUnsignedShort()};
                case FIELD_REF, METHOD_REF, INTERFACE_METHOD_REF, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC ->
                        constants[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case METHOD_HANDLE -> constants[i] = new int[] {in.readUnsignedByte(), in.readUnsignedShort()};
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access flags
        name = className(in.readUnsignedShort());
        int superIndex = in.readUnsignedShort();
        if (superIndex != 0) {
            supertypes.add(className(superIndex));
        }
        for (int i = in.readUnsignedShort(); i > 0; i--) {
            supertypes.add(className(in.readUnsignedShort()));
        }
        for (int i = in.readUnsignedShort(); i > 0; i--) { // fields
            in.readUnsignedShort();
            in.readUnsignedShort();
            in.readUnsignedShort();
            skipAttributes(in);
        }
        for (int i = in.readUnsignedShort(); i > 0; i--) { // methods
            in.readUnsignedShort();
            String method = utf8(in.readUnsignedShort()) + utf8(in.readUnsignedShort());
            for (int j = in.readUnsignedShort(); j > 0; j--) {
                String attribute = utf8(in.readUnsignedShort());
                byte[] content = in.readNBytes(in.readInt());
                if (attribute.equals("Code")) {
                    DataInputStream c = new DataInputStream(new ByteArrayInputStream(content));
                    c.readUnsignedShort(); // max stack
                    c.readUnsignedShort(); // max locals
                    code.put(method, c.readNBytes(c.readInt()));
                }
            }
        }
        for (int i = in.readUnsignedShort(); i > 0; i--) {
            String attribute = utf8(in.readUnsignedShort());
            int length = in.readInt();
            if (!attribute.equals("BootstrapMethods")) {
                in.skipNBytes(length);
                continue;
            }
            for (int j = in.readUnsignedShort(); j > 0; j--) {
                int handle = in.readUnsignedShort();
                int arguments = in.readUnsignedShort();
                int[] handleAndArguments = new int[1 + arguments];
                handleAndArguments[0] = handle;
                for (int k = 1; k <= arguments; k++) {
                    handleAndArguments[k] = in.readUnsignedShort();
                }
                bootstrapArguments.add(handleAndArguments);
            }
        }
    }

    /**
     * @param bytes a class file
     * @return what it holds
     * @throws IOException if it is not a class file this reader understands
     */
    static ClassFileInfo parse(byte[] bytes) throws IOException {
        try {
            return new ClassFileInfo(bytes);
        } catch (RuntimeException e) {
            throw new IOException("malformed class file: " + e, e);
        }
    }

    /** @return the class's internal name */
    String name() {
        return name;
    }

    /** @return the internal names of its superclass and interfaces */
    List<String> supertypes() {
        return supertypes;
    }

    /** @return its methods' names and descriptors that have code, such as {@code twice(I)I} */
    Set<String> methods() {
        return code.keySet();
    }

    /**
     * @param packagePrefix the start of the internal names wanted, such as {@code REPL/}
     * @return every internal name starting so that the class file mentions, in class constants,
     *     descriptors and signatures
     */
    Set<String> mentionedClasses(String packagePrefix) {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 1; i < constants.length; i++) {
            if (tags[i] != UTF8) {
                continue;
            }
            String text = (String) constants[i];
            for (int at = text.indexOf(packagePrefix); at >= 0; at = text.indexOf(packagePrefix, at + 1)) {
                if (at == 0 || text.charAt(at - 1) == 'L') { // a name, or a type in a descriptor or signature
                    int end = at + packagePrefix.length();
                    while (end < text.length() && ";<>()[:.".indexOf(text.charAt(end)) < 0) {
                        end++;
                    }
                    names.add(text.substring(at, end));
                }
            }
        }
        return names;
    }

    /**
     * @param method a method's name and descriptor, as {@link #methods()} gives them
     * @return what its instructions use, in order; empty if it has no code
     */
    List<Reference> references(String method) {
        byte[] bytes = code.get(method);
        List<Reference> references = new ArrayList<>();
        if (bytes == null) {
            return references;
        }
        int pc = 0;
        while (pc < bytes.length) {
            int opcode = bytes[pc] & 0xff;
            switch (opcode) {
                case 0x12 -> loadable(bytes[pc + 1] & 0xff, references);                 // ldc
                case 0x13, 0x14 -> loadable(u2(bytes, pc + 1), references);              // ldc_w, ldc2_w
                case 0xb2, 0xb3, 0xb4, 0xb5 -> {                                         // field access
                    Reference field = member(u2(bytes, pc + 1), Use.CLASS);
                    references.add(opcode == GETSTATIC ? new Reference(Use.STATIC_READ, field.owner(), field.name(),
                            field.descriptor()) : new Reference(Use.CLASS, field.owner(), null, null));
                }
                case 0xb6, 0xb7, 0xb8, 0xb9 -> references.add(member(u2(bytes, pc + 1), Use.METHOD)); // invoke
                case 0xba -> bootstrap(((int[]) constants[u2(bytes, pc + 1)])[0], references);        // invokedynamic
                case 0xbb, 0xbd, 0xc0, 0xc1, 0xc5 -> classUse(className(u2(bytes, pc + 1)), references);
                default -> {
                    // no constant used
                }
            }
            pc = next(bytes, pc, opcode);
        }
        return references;
    }

    private static int next(byte[] bytes, int pc, int opcode) {
        switch (opcode) {
            case 0xaa -> { // tableswitch
                int start = pc + 1 + (3 - pc % 4);
                int low = s4(bytes, start + 4);
                int high = s4(bytes, start + 8);
                return start + 12 + 4 * (high - low + 1);
            }
            case 0xab -> { // lookupswitch
                int start = pc + 1 + (3 - pc % 4);
                return start + 8 + 8 * s4(bytes, start + 4);
            }
            case 0xc4 -> { // wide
                return pc + ((bytes[pc + 1] & 0xff) == 0x84 ? 6 : 4);
            }
            default -> {
                return pc + 1 + OPERANDS[opcode];
            }
        }
    }

    private void loadable(int index, List<Reference> references) {
        switch (tags[index]) {
            case CLASS -> classUse(className(index), references);
            case METHOD_HANDLE -> handle(index, references);
            case DYNAMIC -> bootstrap(((int[]) constants[index])[0], references);
            default -> {
                // numbers, strings and method types run no code
            }
        }
    }

    private void bootstrap(int bootstrapIndex, List<Reference> references) {
        for (int argument : bootstrapArguments.get(bootstrapIndex)) {
            loadable(argument, references);
        }
    }

    private void handle(int index, List<Reference> references) {
        int[] handle = (int[]) constants[index];
        Reference member = member(handle[1], Use.METHOD);
        if (handle[0] == REF_GET_STATIC) {
            references.add(new Reference(Use.STATIC_READ, member.owner(), member.name(), member.descriptor()));
        } else if (handle[0] <= REF_PUT_STATIC) {
            references.add(new Reference(Use.CLASS, member.owner(), null, null));
        } else {
            references.add(member);
        }
    }

    private void classUse(String internalName, List<Reference> references) {
        String element = internalName;
        if (element.startsWith("[")) {
            element = element.replaceFirst("^\\[+", "");
            if (!element.startsWith("L")) {
                return; // an array of primitives
            }
            element = element.substring(1, element.length() - 1);
        }
        references.add(new Reference(Use.CLASS, element, null, null));
    }

    private Reference member(int index, Use use) {
        int[] ref = (int[]) constants[index];
        int[] nameAndType = (int[]) constants[ref[1]];
        return new Reference(use, className(ref[0]), utf8(nameAndType[0]), utf8(nameAndType[1]));
    }

    private String className(int index) {
        return utf8(((int[]) constants[index])[0]);
    }

    private String utf8(int index) {
        return (String) constants[index];
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        for (int i = in.readUnsignedShort(); i > 0; i--) {
            in.readUnsignedShort();
            in.skipNBytes(in.readInt());
        }
    }

    private static int u2(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
    }

    private static int s4(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | bytes[at + 3] & 0xff;
    }

    private static int[] range(int first, int last) {
        int[] opcodes = new int[last - first + 1];
        for (int i = 0; i < opcodes.length; i++) {
            opcodes[i] = first + i;
        }
        return opcodes;
    }

    private static void set(int operands, int... opcodes) {
        for (int opcode : opcodes) {
            OPERANDS[opcode] = (byte) operands;
        }
    }
}
