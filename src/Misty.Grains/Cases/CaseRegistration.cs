using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Knowledge;
using Misty.Grains.Projections;
using Npgsql;

namespace Misty.Grains.Cases;

public static class CaseRegistration
{
    /// <summary>Cases on a silo: the settings (validated at start), the SLA rules, the store, and the projection rebuilder.</summary>
    public static ISiloBuilder AddMistyCases(this ISiloBuilder silo, NpgsqlDataSource database)
    {
        silo.Services.AddOptions<CaseOptions>().Bind(silo.Configuration.GetSection(CaseOptions.Section)).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<CaseOptions>, CaseOptionsValidator>();
        silo.Services.AddSingleton(services => services.GetRequiredService<IOptions<CaseOptions>>().Value.ToPolicy());
        silo.Services.AddSingleton<ICaseStore>(new PostgresCaseStore(database));
        silo.Services.AddSingleton<Triage.PolicyCitations>();
        silo.Services.TryAddSingleton<KnowledgeNotices>();
        silo.Services.AddProjectionRebuilder("cases",
            new ProjectedGrainKind(CaseGrain.StateName, (grains, caseId) => grains.GetGrain<ICaseGrain>(caseId).RebuildProjectionAsync()));

        return silo;
    }
}
