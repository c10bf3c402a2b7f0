// C# twin of data/scenarios/async-not-a-thread.json: an async method runs on
// its caller's thread until its first await of something not yet done. 800
// ms of CPU work before that await, or in an async method with no await at
// all (warning CS1998), freezes the UI thread; the same work in
// await Task.Run(...) does not. The // <lesson> region is the C# the app
// shows; Parse is Ms(800) of CPU time at the run's speed.
//
// Each variant records how long the handler kept the UI thread before it
// returned to the message loop (returned_after_ms): the whole parse, or
// nothing. The probe "no-await" calls ParseAsync directly: it returns only
// after the work, with a task already complete.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Catalog { }

static class AsyncNotAThreadTwin
{
    const string json = "{\"items\": []}";
    static int parseThread;

    // 800 ms of CPU work on the calling thread.
    static Catalog Parse(string text)
    {
        parseThread = Thread.CurrentThread.ManagedThreadId;
        Cpu(800);
        return new Catalog();
    }

    static Task SaveAsync(Catalog catalog) { return Io(300); }

#pragma warning disable 1998
    // <lesson>
    // Freezes: an async method runs on the caller's thread up to its first
    // await of something not done yet
    static async void OnLoadClicked(object sender, EventArgs e)
    {
        var catalog = Parse(json);         // 800 ms of CPU, on the UI thread
        await SaveAsync(catalog);          // the first await that waits
    }

    // Freezes too: async with no await (warning CS1998) runs synchronously
    static async Task<Catalog> ParseAsync(string json)
    {
        return Parse(json);                // still the caller's thread
    }

    static async void OnLoadClickedParseAsync(object sender, EventArgs e)
    {
        var catalog = await ParseAsync(json);   // a task already complete
        await SaveAsync(catalog);
    }

    // Responsive: Task.Run moves the work to the pool; await frees the UI thread
    static async void OnLoadClickedFixed(object sender, EventArgs e)
    {
        var catalog = await Task.Run(() => Parse(json));
        await SaveAsync(catalog);
    }
    // </lesson>
#pragma warning restore 1998

    // Calls the handler as the UI thread's message loop would, and records how
    // long it kept the thread before it returned.
    static Task ClickTimed(Action<object, EventArgs> handler)
    {
        return Click(() =>
        {
            double t0 = Now;
            handler(null, EventArgs.Empty);
            Rec.Set("returned_after_ms", Now - t0);
        });
    }

    static void Main(string[] args)
    {
        Start("async-not-a-thread", args);
        Variant("cpu-before-await", _ => ClickTimed(OnLoadClicked), root: "OnLoadClicked (async)");
        Variant("no-await", _ => ClickTimed(OnLoadClickedParseAsync), root: "OnLoadClickedParseAsync (async)");
        Variant("task-run", _ => ClickTimed(OnLoadClickedFixed), root: "OnLoadClickedFixed (async)");

        // What ParseAsync hands back: a task already complete, after the work.
        double t0 = Now;
        var parsing = ParseAsync(json);
        Probe("no-await", new JObj {
            { "returned_after_ms", Now - t0 },
            { "returned_completed", parsing.IsCompleted },
            { "ran_on_caller_thread", parseThread == Thread.CurrentThread.ManagedThreadId },
        });
        Finish();
    }
}
