// C# twin of data/scenarios/fire-and-forget.json: a save that fails with
// "disk full", forgotten or awaited. The // <lesson> region is the C# the app
// shows.
//
// errors_unobserved counts TaskScheduler.UnobservedTaskException, which .NET
// raises only when the faulted task is garbage collected: the twin forces a
// collection after each variant to see it.
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;
using static Lab;

static class FireAndForgetTwin
{
    static Task SaveDraftAsync() { return Fail(300, new IOException("disk full")); }
    static Task ShowToastAsync(string text) { return Io(800); }
    static void ShowError(string text) { }

    // <lesson>
    // Fire and forget: the exception is lost
    static async void OnSaveClicked(object sender, EventArgs e)
    {
        _ = SaveDraftAsync();                    // fails 0.3 s later: IOException
        await ShowToastAsync("Saved");           // shown anyway
    }

    // Awaited: the exception reaches this handler
    static async void OnSaveClickedAwaited(object sender, EventArgs e)
    {
        try
        {
            await SaveDraftAsync();
            await ShowToastAsync("Saved");
        }
        catch (IOException ex)
        {
            Log(ex);
            ShowError("Could not save: " + ex.Message);
        }
    }
    // </lesson>

    // No catch: the exception escapes an async void method.
    static async void OnSaveClickedUnguarded(object sender, EventArgs e)
    {
        await SaveDraftAsync();
        await ShowToastAsync("Saved");
    }

    static void Main(string[] args)
    {
        Start("fire-and-forget", args);
        Variant("forget", _ => Click(() => OnSaveClicked(null, EventArgs.Empty)), root: "OnSaveClicked");
        Variant("await", _ => Click(() => OnSaveClickedAwaited(null, EventArgs.Empty)), root: "OnSaveClicked");

        // An exception escaping `async void` is rethrown on the UI thread's
        // SynchronizationContext: in a real UI app it ends the process.
        UiThread ui;
        Task handler = OnUiThread(() => Click(() => OnSaveClickedUnguarded(null, EventArgs.Empty)), out ui);
        Exception escaped = null;
        try { handler.Wait(); } catch (AggregateException e) { escaped = e.InnerException; }
        Probe("async-void-throws", new JObj {
            { "rethrown_on_ui_thread", ui.Crashes.Length > 0 },
            { "exception", escaped == null ? null : Describe(escaped) },
        });
        Finish();
    }
}
