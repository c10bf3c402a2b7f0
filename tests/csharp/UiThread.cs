// A UI thread for the C# twins: one thread, one message queue, and a
// SynchronizationContext that posts to that queue, as WinForms and WPF have.
//
// `await` on this thread captures the context, so the code after an await
// comes back to this thread as a message in its queue: exactly what makes
// `.Result` on a UI thread deadlock. The loop records a heartbeat every time
// it gets a turn (at least every 10 ms when idle), so the longest gap between
// two beats is the longest time the "UI" could not repaint or handle a click.
//
// Built with every twin: mcs -langversion:latest ID.cs UiThread.cs Lab.cs
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

public sealed class UiThread : SynchronizationContext
{
    struct Message
    {
        public SendOrPostCallback Callback;
        public object State;
    }

    const int IdleBeatMs = 10;

    readonly BlockingCollection<Message> queue = new BlockingCollection<Message>();
    readonly Thread thread;
    readonly Stopwatch clock = Stopwatch.StartNew();
    long lastBeatTicks;          // Stopwatch ticks, read by the watchdog thread
    long maxGapTicks;
    int turns;                   // messages dispatched so far
    int operations;              // async void methods started and not yet finished
    TaskCompletionSource<bool> handlerDone;
    int crashesBeforeHandler;
    readonly List<Exception> crashes = new List<Exception>();
    readonly List<long> crashTimestamps = new List<long>();

    public UiThread(string name)
    {
        thread = new Thread(Loop);
        thread.IsBackground = true;   // a deadlocked UI thread must not keep the process alive
        thread.Name = name;
        Interlocked.Exchange(ref lastBeatTicks, clock.ElapsedTicks);
        thread.Start();
    }

    /// <summary>The UI thread the caller runs on, or null.</summary>
    public static UiThread CurrentUi { get { return SynchronizationContext.Current as UiThread; } }

    public bool IsUiThread { get { return Thread.CurrentThread == thread; } }
    public int ManagedThreadId { get { return thread.ManagedThreadId; } }

    /// <summary>Messages dispatched so far: an await that did not change it continued synchronously.</summary>
    public int Turns { get { return Volatile.Read(ref turns); } }

    /// <summary>Messages waiting in the queue (after a deadlock: the stranded continuations).</summary>
    public int Pending { get { return queue.Count; } }

    public double MsSinceBeat
    {
        get { return TicksToMs(clock.ElapsedTicks - Interlocked.Read(ref lastBeatTicks)); }
    }

    /// <summary>The longest time between two turns of the loop, the current one included.</summary>
    public double LongestGapMs
    {
        get { return Math.Max(TicksToMs(Interlocked.Read(ref maxGapTicks)), MsSinceBeat); }
    }

    /// <summary>Exceptions that escaped a message: in a real UI app each one ends the process.</summary>
    public Exception[] Crashes { get { lock (crashes) return crashes.ToArray(); } }

    /// <summary>When each crash happened (Stopwatch.GetTimestamp()), in the order of Crashes.</summary>
    public long[] CrashTimestamps { get { lock (crashes) return crashTimestamps.ToArray(); } }

    public void ResetGap()
    {
        Interlocked.Exchange(ref lastBeatTicks, clock.ElapsedTicks);
        Interlocked.Exchange(ref maxGapTicks, 0);
    }

    public override void Post(SendOrPostCallback d, object state)
    {
        queue.Add(new Message { Callback = d, State = state });
    }

    public override void Send(SendOrPostCallback d, object state)
    {
        if (IsUiThread) { d(state); return; }
        using (var done = new ManualResetEventSlim())
        {
            Post(s => { try { d(s); } finally { done.Set(); } }, state);
            done.Wait();
        }
    }

    public override SynchronizationContext CreateCopy() { return this; }

    // An `async void` method calls these when it starts and when it ends.
    public override void OperationStarted() { Interlocked.Increment(ref operations); }

    public override void OperationCompleted()
    {
        // Posted, so that an exception the method posted before ending
        // (async void rethrows on the context) is dispatched first.
        if (Interlocked.Decrement(ref operations) == 0)
            Post(_ => CheckHandlerDone(), null);
    }

    /// <summary>
    /// Calls an event handler (typically `async void`) on this thread and
    /// returns a task that ends when every async void operation it started
    /// has ended: faulted if an exception escaped it (a crash in a real app).
    /// </summary>
    public Task RunHandler(Action handler)
    {
        if (!IsUiThread) throw new InvalidOperationException("RunHandler runs on the UI thread");
        handlerDone = new TaskCompletionSource<bool>();
        lock (crashes) crashesBeforeHandler = crashes.Count;
        handler();
        if (Volatile.Read(ref operations) == 0)
            Post(_ => CheckHandlerDone(), null);
        return handlerDone.Task;
    }

    void CheckHandlerDone()
    {
        if (handlerDone == null || Volatile.Read(ref operations) != 0) return;
        var done = handlerDone;
        handlerDone = null;
        Exception crash = null;
        lock (crashes)
            if (crashes.Count > crashesBeforeHandler) crash = crashes[crashesBeforeHandler];
        if (crash != null) done.SetException(crash); else done.SetResult(true);
    }

    /// <summary>Ends the loop after the messages already queued; waits for it.</summary>
    public bool Stop(int timeoutMs)
    {
        queue.Add(new Message());
        return thread.Join(timeoutMs);
    }

    void Loop()
    {
        SynchronizationContext.SetSynchronizationContext(this);
        Beat();
        while (true)
        {
            Message m;
            bool got = queue.TryTake(out m, IdleBeatMs);
            Beat();
            if (!got) continue;
            if (m.Callback == null) break;
            Interlocked.Increment(ref turns);
            try { m.Callback(m.State); }
            catch (Exception e)
            {
                long now = Stopwatch.GetTimestamp();
                lock (crashes) { crashes.Add(e); crashTimestamps.Add(now); }
            }
            Beat();
        }
    }

    void Beat()
    {
        long now = clock.ElapsedTicks;
        long gap = now - Interlocked.Read(ref lastBeatTicks);
        if (gap > Interlocked.Read(ref maxGapTicks)) Interlocked.Exchange(ref maxGapTicks, gap);
        Interlocked.Exchange(ref lastBeatTicks, now);
    }

    static double TicksToMs(long ticks) { return ticks * 1000.0 / Stopwatch.Frequency; }
}
