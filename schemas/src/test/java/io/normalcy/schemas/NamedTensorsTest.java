package io.normalcy.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.NamedTensor;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamedTensorsTest {

    @Test
    void roundTripsFloats() {
        float[] values = {1f, -2.5f, Float.MIN_VALUE, 3e38f, 0f, -0f};
        NamedTensor t = NamedTensors.of("w", new int[] {2, 3}, values);
        assertArrayEquals(values, NamedTensors.values(t));
        assertArrayEquals(new int[] {2, 3}, NamedTensors.shape(t));
    }

    @Test
    void bytesAreLittleEndianFloat32() {
        NamedTensor t = NamedTensors.of("w", new int[] {1}, new float[] {1.0f}); // 0x3F800000
        byte[] bytes = new byte[4];
        t.getData().duplicate().get(bytes);
        assertArrayEquals(new byte[] {0x00, 0x00, (byte) 0x80, 0x3F}, bytes);
    }

    @Test
    void shapeMismatchNamesTheTensor() {
        var e = assertThrows(IllegalArgumentException.class, () -> NamedTensors.of("b0.ar.w0", new int[] {2, 2}, new float[3]));
        assertTrue(e.getMessage().contains("b0.ar.w0"), e.getMessage());
        NamedTensor truncated = new NamedTensor("b0.ar.b0", List.of(4), ByteBuffer.wrap(new byte[12]));
        e = assertThrows(IllegalArgumentException.class, () -> NamedTensors.values(truncated));
        assertTrue(e.getMessage().contains("'b0.ar.b0': shape [4] needs 16 bytes, got 12"), e.getMessage());
    }
}
