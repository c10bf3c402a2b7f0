// C# twin of data/scenarios/when-all.json: three independent requests, one
// by one or together. The // <lesson> region is the C# the app shows.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Profile { }
class Orders { }
class Recs { }

static class WhenAllTwin
{
    static Task<Profile> GetProfileAsync() { return Io(800, new Profile()); }
    static Task<Orders> GetOrdersAsync() { return Io(600, new Orders()); }
    static Task<Recs> GetRecommendationsAsync() { return Io(1000, new Recs()); }
    static void Show(Profile p, Orders o, Recs r) { }

    // <lesson>
    // One by one: each request starts only when the previous one is done
    static async Task LoadOneByOneAsync()
    {
        Profile profile = await GetProfileAsync();       // 800 ms
        Orders orders = await GetOrdersAsync();          // 600 ms
        Recs recs = await GetRecommendationsAsync();     // 1000 ms
        Show(profile, orders, recs);
    }

    // WhenAll: start all three, then await them together
    static async Task LoadTogetherAsync()
    {
        Task<Profile> profile = GetProfileAsync();
        Task<Orders> orders = GetOrdersAsync();
        Task<Recs> recs = GetRecommendationsAsync();
        await Task.WhenAll(profile, orders, recs);       // the longest: 1000 ms
        Show(await profile, await orders, await recs);   // done: no more waiting
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("when-all", args);
        Variant("one-by-one", _ => LoadOneByOneAsync(), root: "await one by one");
        Variant("when-all", _ => LoadTogetherAsync(), root: "Task.WhenAll");
        Finish();
    }
}
