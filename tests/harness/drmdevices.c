/* drmdevices: prints what libdrm's drmGetDevices2() finds, one device per line, sorted by
 * bus info, so tests can compare it with a topology:
 *   pci 0000:00:02.1 8086:4692 1849:4692 rev 0c primary=/dev/dri/card1 render=/dev/dri/renderD129
 *   platform simple-framebuffer.0 primary=/dev/dri/card0
 * The last line is "count N" (the return value of drmGetDevices2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xf86drm.h>

static void bus_info(drmDevicePtr d, char *out, size_t len)
{
	switch (d->bustype) {
	case DRM_BUS_PCI:
		snprintf(out, len, "pci %04x:%02x:%02x.%x", d->businfo.pci->domain,
			 d->businfo.pci->bus, d->businfo.pci->dev, d->businfo.pci->func);
		break;
	case DRM_BUS_PLATFORM:
		snprintf(out, len, "platform %s", d->businfo.platform->fullname);
		break;
	default:
		snprintf(out, len, "bus%d", d->bustype);
	}
}

static int cmp(const void *a, const void *b)
{
	char x[600], y[600];
	bus_info(*(drmDevicePtr *)a, x, sizeof(x));
	bus_info(*(drmDevicePtr *)b, y, sizeof(y));
	return strcmp(x, y);
}

int main(void)
{
	/* Every device libdrm finds: ask for the count first (NULL, 0). */
	int max = drmGetDevices2(DRM_DEVICE_GET_PCI_REVISION, NULL, 0);
	if (max < 0) {
		printf("error %d\n", max);
		return 1;
	}
	drmDevicePtr *devs = calloc((size_t)max + 1, sizeof(*devs));
	if (!devs)
		return 1;
	int n = drmGetDevices2(DRM_DEVICE_GET_PCI_REVISION, devs, max);
	if (n < 0) {
		printf("error %d\n", n);
		return 1;
	}
	qsort(devs, (size_t)n, sizeof(devs[0]), cmp);
	for (int i = 0; i < n; i++) {
		drmDevicePtr d = devs[i];
		char bus[600];
		bus_info(d, bus, sizeof(bus));
		printf("%s", bus);
		if (d->bustype == DRM_BUS_PCI)
			printf(" %04x:%04x %04x:%04x rev %02x", d->deviceinfo.pci->vendor_id,
			       d->deviceinfo.pci->device_id, d->deviceinfo.pci->subvendor_id,
			       d->deviceinfo.pci->subdevice_id, d->deviceinfo.pci->revision_id);
		if (d->available_nodes & (1 << DRM_NODE_PRIMARY))
			printf(" primary=%s", d->nodes[DRM_NODE_PRIMARY]);
		if (d->available_nodes & (1 << DRM_NODE_RENDER))
			printf(" render=%s", d->nodes[DRM_NODE_RENDER]);
		printf("\n");
	}
	printf("count %d\n", n);
	drmFreeDevices(devs, n);
	free(devs);
	return 0;
}
