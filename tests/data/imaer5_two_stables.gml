<?xml version="1.0" encoding="UTF-8"?>
<imaer:FeatureCollectionCalculator xmlns:imaer="http://imaer.aerius.nl/5.1" xmlns:gml="http://www.opengis.net/gml/3.2" gml:id="NL.IMAER.Collection">
  <imaer:featureMember>
    <imaer:FarmLodgingEmissionSource sectorId="4110" gml:id="ES.1">
      <imaer:label>Stal 1 melkvee</imaer:label>
      <imaer:geometry><imaer:EmissionSourceGeometry><imaer:GM_Point>
        <gml:Point srsName="urn:ogc:def:crs:EPSG::28992" gml:id="ES.1.POINT"><gml:pos>180000 450000</gml:pos></gml:Point>
      </imaer:GM_Point></imaer:EmissionSourceGeometry></imaer:geometry>
      <imaer:emission><imaer:Emission substance="NH3"><imaer:value>1300.0</imaer:value></imaer:Emission></imaer:emission>
      <imaer:farmLodging><imaer:StandardFarmLodging farmLodgingType="A1.100"><imaer:numberOfAnimals>100</imaer:numberOfAnimals></imaer:StandardFarmLodging></imaer:farmLodging>
    </imaer:FarmLodgingEmissionSource>
  </imaer:featureMember>
  <imaer:featureMember>
    <imaer:FarmLodgingEmissionSource sectorId="4110" gml:id="ES.2">
      <imaer:label>Stal 2 jongvee</imaer:label>
      <imaer:geometry><imaer:EmissionSourceGeometry><imaer:GM_Point>
        <gml:Point srsName="urn:ogc:def:crs:EPSG::28992" gml:id="ES.2.POINT"><gml:pos>180000.001 450000.002</gml:pos></gml:Point>
      </imaer:GM_Point></imaer:EmissionSourceGeometry></imaer:geometry>
      <imaer:emission><imaer:Emission substance="NH3"><imaer:value>220.0</imaer:value></imaer:Emission></imaer:emission>
      <imaer:farmLodging><imaer:StandardFarmLodging farmLodgingType="A3.100"><imaer:numberOfAnimals>50</imaer:numberOfAnimals></imaer:StandardFarmLodging></imaer:farmLodging>
    </imaer:FarmLodgingEmissionSource>
  </imaer:featureMember>
  <imaer:featureMember>
    <imaer:FarmLodgingEmissionSource sectorId="4110" gml:id="ES.3">
      <imaer:label>Varkens zonder emissie-element</imaer:label>
      <imaer:geometry><imaer:EmissionSourceGeometry><imaer:GM_Point>
        <gml:Point srsName="urn:ogc:def:crs:EPSG::28992" gml:id="ES.3.POINT"><gml:pos>185000 455000</gml:pos></gml:Point>
      </imaer:GM_Point></imaer:EmissionSourceGeometry></imaer:geometry>
      <imaer:farmLodging><imaer:StandardFarmLodging farmLodgingType="D3.100"><imaer:numberOfAnimals>1000</imaer:numberOfAnimals></imaer:StandardFarmLodging></imaer:farmLodging>
      <imaer:farmLodging><imaer:CustomFarmLodging><imaer:numberOfAnimals>200</imaer:numberOfAnimals><imaer:animalType>D</imaer:animalType><imaer:emissionFactor><imaer:Emission substance="NH3"><imaer:value>1.5</imaer:value></imaer:Emission></imaer:emissionFactor><imaer:emissionFactorType>PER_ANIMAL_PER_YEAR</imaer:emissionFactorType></imaer:CustomFarmLodging></imaer:farmLodging>
    </imaer:FarmLodgingEmissionSource>
  </imaer:featureMember>
  <imaer:featureMember>
    <imaer:SRM2Road sectorId="3111" gml:id="Road.1">
      <imaer:label>A12</imaer:label>
    </imaer:SRM2Road>
  </imaer:featureMember>
  <imaer:featureMember>
    <imaer:EmissionSource sectorId="1800" gml:id="ES.4">
      <imaer:label>Fabriek</imaer:label>
      <imaer:geometry><imaer:EmissionSourceGeometry><imaer:GM_Point>
        <gml:Point srsName="urn:ogc:def:crs:EPSG::28992" gml:id="ES.4.POINT"><gml:pos>190000 460000</gml:pos></gml:Point>
      </imaer:GM_Point></imaer:EmissionSourceGeometry></imaer:geometry>
      <imaer:emission><imaer:Emission substance="NH3"><imaer:value>999.0</imaer:value></imaer:Emission></imaer:emission>
    </imaer:EmissionSource>
  </imaer:featureMember>
</imaer:FeatureCollectionCalculator>
