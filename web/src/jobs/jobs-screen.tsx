// The Jobs section (/app/jobs/...): job search, a vacancy, my applications, my candidate profile
// (with its video introduction recorder), my network, someone's profile, a company's page and its
// applications pipeline. Each path part is parsed here, so deep links survive a reload.
import { ApplicationsScreen } from "./applications-screen";
import { CompanyScreen } from "./company-screen";
import { IntroRecorderScreen } from "./intro-recorder-screen";
import { MyCompanies } from "./my-companies";
import { NetworkScreen } from "./network-screen";
import { PersonScreen } from "./person-screen";
import { PipelineScreen } from "./pipeline-screen";
import { ProfileEditor } from "./profile-editor";
import { SearchScreen } from "./search-screen";
import { SectionTabs } from "../section-tabs";
import { VacancyEditor } from "./vacancy-editor";
import { VacancyScreen } from "./vacancy-screen";

const TABS = [
  { id: "", label: "Find jobs" },
  { id: "applications", label: "My applications" },
  { id: "profile", label: "My profile" },
  { id: "network", label: "Network" },
  { id: "companies", label: "My companies" },
];

export function JobsScreen({ rest }: { rest: string[] }) {
  const [first, id, more, fourth] = rest;
  const tab =
    first === "applications" || first === "profile" || first === "network"
      ? first
      : first === "companies" && !id
        ? "companies"
        : first === undefined
          ? ""
          : null;
  return (
    <div class="section-page jobs">
      <header class="section-header">
        <h1>Jobs</h1>
        <SectionTabs label="Jobs" tabs={TABS.map((t) => ({ href: `/app/jobs${t.id ? `/${t.id}` : ""}`, label: t.label, current: t.id === tab }))} />
      </header>
      {first === "vacancies" && id && more === "edit" ? (
        <VacancyEditor vacancyId={id} />
      ) : first === "companies" && id && more === "vacancies" && fourth === "new" ? (
        <VacancyEditor companyId={id} />
      ) : first === "vacancies" && id ? (
        <VacancyScreen id={id} />
      ) : first === "applications" ? (
        <ApplicationsScreen />
      ) : first === "profile" && id === "intro" ? (
        <IntroRecorderScreen />
      ) : first === "profile" ? (
        <ProfileEditor />
      ) : first === "network" ? (
        <NetworkScreen />
      ) : first === "people" && id ? (
        <PersonScreen userId={id} />
      ) : first === "companies" && id && more === "pipeline" ? (
        <PipelineScreen companyId={id} />
      ) : first === "companies" && id ? (
        <CompanyScreen companyId={id} />
      ) : first === "companies" ? (
        <MyCompanies />
      ) : (
        <SearchScreen />
      )}
    </div>
  );
}
