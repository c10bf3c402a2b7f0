// C# twin of data/scenarios/io-vs-cpu.json: sixteen 250 ms waits vs sixteen
// 250 ms computations. The // <lesson> region is the C# the app shows.
// Resize is 250 ms of CPU time (the thread's own clock), so more pool
// threads than cores do not make it faster.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Image { }

class Http
{
    public Task<byte[]> GetByteArrayAsync(string url) { return Io(250, new byte[0]); }
}

static class IoVsCpuTwin
{
    static readonly Http http = new Http();
    static Image Resize(Image img) { Cpu(250); return img; }

    // <lesson>
    // I/O: awaiting holds no thread, so 16 waits overlap completely
    static async Task DownloadAllAsync(string[] urls)
    {
        var downloads = urls.Select(url => http.GetByteArrayAsync(url));
        await Task.WhenAll(downloads);           // about 250 ms
    }

    // CPU: each resize needs a pool thread for its whole 250 ms
    static async Task ResizeAllAsync(Image[] images)
    {
        var resized = images.Select(img => Task.Run(() => Resize(img)));
        await Task.WhenAll(resized);             // 16 x 250 ms / cores
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("io-vs-cpu", args);
        var urls = Enumerable.Range(0, 16).Select(i => "https://example.com/" + i).ToArray();
        var images = Enumerable.Range(0, 16).Select(i => new Image()).ToArray();
        Variant("io", _ => DownloadAllAsync(urls), root: "Task.WhenAll(16 downloads)");
        Variant("cpu", _ => ResizeAllAsync(images), root: "Task.WhenAll(16 resizes)");
        Finish();
    }
}
