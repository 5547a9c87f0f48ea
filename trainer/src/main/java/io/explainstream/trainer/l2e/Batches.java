package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shared machinery of the teachers: per-row random streams, chunked parallel evaluation (one sample matrix and
 * few oracle calls per chunk of instances) and assembly of the attribution rows.
 */
final class Batches {
    static final long CHUNK_FLOATS = 1L << 22;
    static final long CALL_FLOATS = 1L << 23;

    /** One instance's perturbation plan: the rows it asks the oracle for, then the local fit on their f. */
    interface Plan {
        void emit(Rows.Builder b);

        int rows();

        double[] fit(double[] f, int from);
    }

    interface Planner {
        Plan plan(int i, SplittableRandom rnd);
    }

    private Batches() {
    }

    static SplittableRandom random(long seed, int i) {
        return new SplittableRandom(mix(seed ^ mix(0x632BE59BD9B4E019L + i)));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    static int positive(String name, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    static double[][] run(Rows x, long seed, int threads, long queries, Oracle oracle, Planner planner) {
        int per = (int) Math.max(1, Math.min(x.n, CHUNK_FLOATS / Math.max(1, queries * x.d)));
        double[][] out = new double[x.n][];
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int from = 0; from < x.n; from += per) {
            int a = from;
            int b = Math.min(x.n, from + per);
            tasks.add(() -> {
                chunk(x.d, a, b, seed, oracle, planner, out);
                return null;
            });
        }
        if (threads <= 1 || tasks.size() <= 1) {
            for (Callable<Void> t : tasks) {
                try {
                    t.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
            Thread t = new Thread(r, "teacher");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while explaining", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private static void chunk(int d, int a, int b, long seed, Oracle oracle, Planner planner, double[][] out) {
        Plan[] plans = new Plan[b - a];
        Rows.Builder builder = new Rows.Builder(d);
        for (int i = a; i < b; i++) {
            plans[i - a] = planner.plan(i, random(seed, i));
            plans[i - a].emit(builder);
        }
        double[] f = evaluate(oracle, builder.build());
        int from = 0;
        for (int i = a; i < b; i++) {
            out[i] = plans[i - a].fit(f, from);
            from += plans[i - a].rows();
        }
    }

    static double[] evaluate(Oracle oracle, Rows z) {
        int step = (int) Math.max(1, CALL_FLOATS / Math.max(1, z.d));
        if (z.n <= step) {
            return check(oracle.f(z), z.n);
        }
        double[] f = new double[z.n];
        for (int a = 0; a < z.n; a += step) {
            int b = Math.min(z.n, a + step);
            int[] ptr = new int[b - a + 1];
            for (int r = a; r <= b; r++) {
                ptr[r - a] = z.ptr[r] - z.ptr[a];
            }
            Rows part = new Rows(z.d, ptr, Arrays.copyOfRange(z.col, z.ptr[a], z.ptr[b]),
                    Arrays.copyOfRange(z.val, z.ptr[a], z.ptr[b]));
            System.arraycopy(check(oracle.f(part), b - a), 0, f, a, b - a);
        }
        return f;
    }

    private static double[] check(double[] f, int n) {
        if (f == null || f.length != n) {
            throw new IllegalStateException("oracle returned " + (f == null ? "null" : f.length + " values")
                    + " for " + n + " rows");
        }
        return f;
    }

    /** Text: the input's structure with the weights as values; tabular: every column of every row. */
    static Rows assemble(Rows x, boolean text, double[][] w) {
        if (!text) {
            return Rows.dense(w, x.d);
        }
        double[] val = new double[x.ptr[x.n]];
        for (int i = 0; i < x.n; i++) {
            System.arraycopy(w[i], 0, val, x.ptr[i], w[i].length);
        }
        return new Rows(x.d, x.ptr.clone(), x.col.clone(), val);
    }

    static int[] words(Rows x, int i) {
        return Arrays.copyOfRange(x.col, x.ptr[i], x.ptr[i + 1]);
    }

    /** Writes a uniformly random subset of size k of 0..m-1 into the first k entries of perm (reshuffled). */
    static void subset(int[] perm, int m, int k, SplittableRandom rnd) {
        for (int q = 0; q < k; q++) {
            int r = q + rnd.nextInt(m - q);
            int t = perm[q];
            perm[q] = perm[r];
            perm[r] = t;
        }
    }

    static int[] identity(int m) {
        int[] p = new int[m];
        for (int j = 0; j < m; j++) {
            p[j] = j;
        }
        return p;
    }
}
