// Part 1 of the lesson, async and await: waiting that holds no thread.
// A button handler waits one second in three ways; the UI thread's heartbeat
// shows which of them keep the window responsive.
// Run it and draw it:
//   awaitscope run csharp/examples/await-delay.cs --trace await-delay.json
//   awaitscope replay await-delay.json -o await-delay.png
using System;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;

static class AwaitDelay
{
    // await Task.Delay: the UI thread is free while the timer runs, and the
    // code after the await continues on it (its SynchronizationContext).
    static async Task AwaitAsync()
    {
        await Lab.Io("Task.Delay(1000)", 1000);
        Lab.Mark("back on the UI thread");
    }

    // Thread.Sleep on the UI thread: the same second, but nothing repaints.
    static Task SleepAsync()
    {
        Lab.BlockUi(1000);
        return Task.FromResult(0);
    }

    // Task<T>: await gives the result, or throws what the task threw.
    static Task<int> CountOrdersAsync() { return Lab.Io("CountOrdersAsync", 600, 42); }

    static async Task ResultAsync()
    {
        int orders = await Lab.Run("CountOrdersAsync", () => CountOrdersAsync());
        Lab.Mark("orders: " + orders);
        await Lab.Io("Task.Delay(400)", 400);
    }

    static void Main(string[] args)
    {
        Lab.Init(args);
        Lab.Variant("await", _ => Lab.Run("AwaitAsync", () => AwaitAsync()), title: "await Task.Delay");
        Lab.Variant("sleep", _ => SleepAsync(), title: "Thread.Sleep on the UI thread");
        Lab.Variant("result", _ => Lab.Run("ResultAsync", () => ResultAsync()), title: "await a Task<int>");
        Lab.Save();
    }
}
