// Part 4 of the lesson, common mistakes: a forgotten task hides its
// exception, async void lets one escape, .Result on the UI thread
// deadlocks. Each beside what to write instead.
// Run it and draw it:
//   awaitscope run csharp/examples/mistakes.cs --trace mistakes.json
//   awaitscope replay mistakes.json -o mistakes.png
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;

static class Mistakes
{
    static Task SaveDraftAsync() { return Lab.Fail("SaveDraftAsync", 300, new IOException("disk full")); }
    static Task ShowToastAsync() { return Lab.Io("ShowToastAsync", 600); }

    // Fire and forget: nobody awaits the save, so "disk full" is lost.
    static async Task ForgetAsync()
    {
        _ = SaveDraftAsync();
        await ShowToastAsync();
        // .NET reports a lost exception only when its task is collected:
        // collect now, so that it is reported (and drawn) in this run.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    // Awaited: the exception reaches the catch.
    static async Task AwaitedAsync()
    {
        try
        {
            await SaveDraftAsync();
            await ShowToastAsync();
        }
        catch (IOException e) { Lab.Observed(e); }
    }

    // async void: nothing can await it, so the exception escapes to the UI
    // thread, where a real app would crash.
    static async void OnSaveClicked()
    {
        await SaveDraftAsync();
        await ShowToastAsync();
    }

    static Task AsyncVoid()
    {
        OnSaveClicked();
        return Lab.Io("the UI goes on", 800);
    }

    // .Result on the UI thread: LoadAsync's continuation needs that thread,
    // which is blocked waiting for it. The watchdog ends the variant.
    static async Task<int> LoadAsync() { await Lab.Io("GetOrdersAsync", 300); return 3; }

    static Task ResultAsync()
    {
        Lab.Wait("LoadAsync().Result", Lab.Run("LoadAsync", () => LoadAsync()));
        return Task.FromResult(0);
    }

    // The fix: await it.
    static async Task FixedAsync() { await Lab.Run("LoadAsync", () => LoadAsync()); }

    static void Main(string[] args)
    {
        Lab.Init(args);
        Lab.Variant("forget", _ => Lab.Run("ForgetAsync", () => ForgetAsync()), title: "Fire and forget");
        Lab.Variant("await", _ => Lab.Run("AwaitedAsync", () => AwaitedAsync()), title: "Awaited, caught");
        Lab.Variant("async-void", _ => AsyncVoid(), title: "async void");
        Lab.Variant("result", _ => ResultAsync(), title: ".Result on the UI thread");
        Lab.Variant("fixed", _ => FixedAsync(), title: "await instead of .Result");
        Lab.Save();
        // A UI thread left deadlocked is a background thread; end now.
        Environment.Exit(0);
    }
}
