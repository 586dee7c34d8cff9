package io.normalcy.trainer.job;

import io.normalcy.flow.fit.RawRecord;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Training rows handed from the service to a child training JVM: a compact binary file (magic, count, then per
 * row event time and the three maps), written once and read once, so no schema machinery is needed.
 */
public final class RowsFile {
    private static final int MAGIC = 0x4e525231; // "NRR1"

    private RowsFile() {
    }

    public static void write(Path path, List<RawRecord> rows) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(rows.size());
            for (RawRecord r : rows) {
                out.writeLong(r.eventTime());
                writeDoubles(out, r.features());
                out.writeInt(r.context().size());
                for (Map.Entry<String, String> e : r.context().entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeUTF(e.getValue());
                }
                writeDoubles(out, r.contextNumeric());
            }
        }
    }

    public static List<RawRecord> read(Path path) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(path + " is not a rows file");
            }
            int n = in.readInt();
            List<RawRecord> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long t = in.readLong();
                Map<String, Double> f = readDoubles(in);
                int c = in.readInt();
                Map<String, String> ctx = new HashMap<>(c * 2);
                for (int j = 0; j < c; j++) {
                    ctx.put(in.readUTF(), in.readUTF());
                }
                rows.add(new RawRecord(f, ctx, readDoubles(in), t));
            }
            return rows;
        }
    }

    private static void writeDoubles(DataOutputStream out, Map<String, Double> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    private static Map<String, Double> readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, Double> m = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readDouble());
        }
        return m;
    }
}
