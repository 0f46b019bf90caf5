using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Interfaces.Knowledge;
using Npgsql;

namespace Misty.Grains.Knowledge;

public static class KnowledgeRegistration
{
    /// <summary>
    /// The knowledge assistant: documents, search and the background worker share one index per node. The embedder is
    /// the packaged models unless one was registered before (nodes of one process can share theirs: loading the two
    /// models takes seconds of a core).
    /// </summary>
    public static IServiceCollection AddMistyKnowledge(this IServiceCollection services, NpgsqlDataSource database, IConfiguration configuration)
    {
        var options = configuration.GetSection(KnowledgeOptions.Section).Get<KnowledgeOptions>() ?? new KnowledgeOptions();
        services.AddSingleton(options);
        services.TryAddSingleton<ITextEmbedder>(_ => EmbedderEnsemble.CreateDefault());
        services.AddSingleton<IVectorStore>(provider =>
            new InMemoryVectorStore(provider.GetRequiredService<ITextEmbedder>().Dimensions, options.MaxChunksInMemory, HybridSearch.CentredKinds));
        services.AddSingleton(new KnowledgeStore(database));
        services.AddSingleton<KnowledgeIndex>();
        services.TryAddSingleton<KnowledgeNotices>();
        services.AddSingleton<KnowledgeDocuments>();
        services.AddSingleton<HybridSearch>();
        services.AddSingleton<IKnowledgeSearch>(provider => provider.GetRequiredService<HybridSearch>());
        services.AddHostedService<KnowledgeWorker>();
        return services;
    }
}
