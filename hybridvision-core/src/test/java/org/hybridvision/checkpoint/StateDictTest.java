package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateDictTest {

    @Test
    void orderPrefixRequireAndClose() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.zeros(new Shape(1));
            NDArray b = m.ones(new Shape(2));
            NDArray c = m.ones(new Shape(3));
            StateDict sd = new StateDict();
            sd.put("module.b", b);
            sd.put("module.a", a);
            sd.put("head", c);
            sd.metadata().put("k", "v");
            assertEquals(List.of("module.b", "module.a", "head"), new ArrayList<>(sd.keys()));

            StateDict stripped = sd.withoutPrefix("module.");
            assertEquals(List.of("b", "a", "head"), new ArrayList<>(stripped.keys()));
            assertSame(a, stripped.get("a"));
            assertEquals("v", stripped.metadata().get("k"));

            CheckpointException missing = assertThrows(CheckpointException.class, () -> sd.require("nope"));
            assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
            assertNull(sd.get("nope"));

            StateDict clash = new StateDict();
            clash.put("x", a);
            clash.put("p.x", b);
            assertThrows(CheckpointException.class, () -> clash.withoutPrefix("p."));

            assertSame(c, sd.remove("head"));
            assertEquals(2, sd.size());
            sd.close();
            assertTrue(a.isReleased() && b.isReleased());
            assertTrue(!c.isReleased(), "removed arrays are not closed");
            assertEquals(0, sd.size());
        }
    }
}
