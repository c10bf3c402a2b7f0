// Part 2 of the lesson, running work concurrently: a page that loads three things, in five ways.
// Run it and draw it:
//   awaitscope run csharp/examples/orders.cs --trace orders.json
//   awaitscope replay orders.json -o orders.png
// or by hand:
//   mcs -langversion:latest -out:orders.exe csharp/examples/orders.cs csharp/Awaitscope.Lab.cs
//   mono orders.exe --speed 2 --trace orders.json
using System;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;

static class Orders
{
    // The lab's primitives record themselves; Lab.Run names a task of our own.
    static Task<string> GetProfileAsync() { return Lab.Io("GetProfileAsync", 800, "profile"); }
    static Task<int> GetOrdersAsync() { return Lab.Io("GetOrdersAsync", 600, 3); }
    static Task<string> GetPriceAsync() { return Lab.Fail<string>("GetPriceAsync", 300, new InvalidOperationException("price service down")); }

    static async Task OneByOneAsync()
    {
        string profile = await GetProfileAsync();
        int orders = await GetOrdersAsync();
        await Lab.Cpu("Render", 200);                 // Task.Run: CPU work on a pool thread
    }

    static async Task TogetherAsync()
    {
        Task<string> profile = GetProfileAsync();
        Task<int> orders = GetOrdersAsync();
        await Task.WhenAll(profile, orders);
        await Lab.Cpu("Render", 200);
    }

    static async Task WithFailureAsync()
    {
        try { await Lab.Run("LoadPriceAsync", () => GetPriceAsync()); }
        catch (InvalidOperationException e) { Lab.Observed(e); }   // shown as observed
    }

    // .Result on the UI thread: the continuation of LoadAsync needs that thread.
    static async Task<int> LoadAsync() { await GetOrdersAsync(); return 1; }

    static Task DeadlockAsync()
    {
        Lab.Wait("LoadAsync().Result", Lab.Run("LoadAsync", () => LoadAsync()));
        return Task.FromResult(0);
    }

    static Task FreezeAsync()
    {
        Lab.BlockUi(500);                                // Thread.Sleep on the UI thread
        return Task.FromResult(0);
    }

    static void Main(string[] args)
    {
        Lab.Init(args);
        Lab.Variant("one-by-one", _ => Lab.Run("OneByOneAsync", () => OneByOneAsync()), title: "One by one");
        Lab.Variant("when-all", _ => Lab.Run("TogetherAsync", () => TogetherAsync()), title: "Task.WhenAll");
        Lab.Variant("failure", _ => WithFailureAsync(), title: "A failure, caught");
        Lab.Variant("result", _ => DeadlockAsync(), title: ".Result on the UI thread");
        Lab.Variant("block", _ => FreezeAsync(), title: "Thread.Sleep on the UI thread");
        Lab.Save();
        // A UI thread left deadlocked is a background thread; end now.
        Environment.Exit(0);
    }
}
