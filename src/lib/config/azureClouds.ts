export type AzureCloudName = "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";

export interface AzureCloud {
  readonly name: AzureCloudName;
  readonly resourceManagerEndpoint: string;
  /** The token audience ARM accepts in this cloud; it does not follow a custom endpoint URL. */
  readonly resourceManagerAudience: string;
}

export const azureClouds: Readonly<Record<AzureCloudName, AzureCloud>> = Object.freeze({
  AzureCloud: {
    name: "AzureCloud",
    resourceManagerEndpoint: "https://management.azure.com",
    resourceManagerAudience: "https://management.azure.com",
  },
  AzureUSGovernment: {
    name: "AzureUSGovernment",
    resourceManagerEndpoint: "https://management.usgovcloudapi.net",
    resourceManagerAudience: "https://management.core.usgovcloudapi.net",
  },
  AzureChinaCloud: {
    name: "AzureChinaCloud",
    resourceManagerEndpoint: "https://management.chinacloudapi.cn",
    resourceManagerAudience: "https://management.core.chinacloudapi.cn",
  },
});

export const azureCloudNames = Object.keys(azureClouds) as [AzureCloudName, ...AzureCloudName[]];
